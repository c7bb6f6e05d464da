import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { AdminAuthenticator } from './admin-authenticator';
import type { AdminPrincipal } from './session/admin-principal';

export const ADMIN_STRATEGY = 'admin';

/**
 * Passport keeps strategies in one process-wide registry, so with two applications in one
 * process (tests) the last one registered would judge both. The guard of each application notes
 * its own authenticator here for the request it is checking.
 */
export const requestAuthenticators = new WeakMap<object, AdminAuthenticator>();

/**
 * Passport strategy for admin routes. It reads `Authorization: Bearer`, or else the admin console's
 * session cookie; vendor signature headers mean nothing here, as admin credentials mean nothing
 * to the vendor strategy.
 */
@Injectable()
export class AdminStrategy extends PassportStrategy(Strategy, ADMIN_STRATEGY) {
  constructor(private readonly authenticator: AdminAuthenticator) {
    super();
  }

  validate(request: FastifyRequest): Promise<AdminPrincipal> {
    const authenticator = requestAuthenticators.get(request) ?? this.authenticator;
    return authenticator.authenticateRequest(request);
  }
}
