import type { FastifyRequest } from 'fastify';
import type { AdminPrincipal } from './admin-principal';

/**
 * What the admin guard asks of console sessions: the principal of a request that carries the
 * session cookie (and no Authorization header), with the CSRF checks for state-changing methods.
 * Throws `AdminUnauthorizedError` (no valid session) or `CsrfRefusedError`.
 */
export interface AdminSessionAuthenticator {
  /** Whether the request carries a session cookie at all (else the bearer path answers). */
  carriesSession(request: FastifyRequest): boolean;
  authenticate(request: FastifyRequest): Promise<AdminPrincipal>;
}

export const ADMIN_SESSION_AUTHENTICATOR = Symbol('ADMIN_SESSION_AUTHENTICATOR');
