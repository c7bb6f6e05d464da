import {
  Inject,
  Injectable,
  type OnModuleDestroy,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import {
  ADMIN_SESSION_AUTHENTICATOR,
  type AdminSessionAuthenticator,
} from './session/admin-session.port';
import { OutboundGuard } from '../allowlist/outbound/outbound-guard';
import { AdminUnauthorizedError } from '../common/problem/gateway-error';
import { GatewayConfig } from '../config/gateway-config';
import { SecretsService } from '../secrets/secrets.service';
import type { AdminPrincipal } from './session/admin-principal';
import { type AdminMode, effectiveAdminMode } from '../config/admin.settings';
import { bearerToken } from './bearer-token';
import { JwtAdminVerifier } from './jwt-admin-verifier';
import { RemoteJwks } from './remote-jwks';
import { StaticTokenVerifier } from './session/static-token-verifier';

/**
 * Decides whether a request carries admin credentials, in the configured mode. The admin guard
 * uses it; so can a route that shows more to admins than to anonymous callers (detailed health):
 * call `authenticate(request.headers.authorization)` and treat an `AdminUnauthorizedError` as
 * "anonymous".
 */
@Injectable()
export class AdminAuthenticator implements OnModuleInit, OnModuleDestroy {
  readonly mode: AdminMode;
  private verify: (token: string) => Promise<AdminPrincipal> | AdminPrincipal = () => {
    throw new AdminUnauthorizedError('admin authentication is disabled (admin.mode)');
  };
  /** `jwt` mode only: the identity domain's key set, for diagnostics and tests. */
  jwks?: RemoteJwks;

  constructor(
    private readonly config: GatewayConfig,
    private readonly secrets: SecretsService,
    private readonly outbound: OutboundGuard,
    @Optional()
    @Inject(ADMIN_SESSION_AUTHENTICATOR)
    private readonly sessions?: AdminSessionAuthenticator,
  ) {
    this.mode = effectiveAdminMode(config.admin);
  }

  async onModuleInit(): Promise<void> {
    const settings = this.config.admin;
    if (this.mode === 'token') {
      const token = await this.secrets.watch('admin.token', settings.token ?? '');
      const verifier = new StaticTokenVerifier(() => token.acceptedValues());
      this.verify = (candidate) => verifier.verify(candidate);
    } else if (this.mode === 'jwt') {
      const jwt = settings.jwt;
      this.jwks = new RemoteJwks(this.outbound, {
        url: jwt.jwksUrl as string,
        maxAgeMs: jwt.jwksMaxAgeMs,
        refreshCooldownMs: jwt.jwksRefreshCooldownMs,
        timeoutMs: jwt.jwksTimeoutMs,
        purpose: 'admin-jwks',
      });
      const verifier = new JwtAdminVerifier(
        { ...jwt, issuer: jwt.issuer as string, audience: jwt.audience as string },
        this.jwks,
      );
      this.verify = (candidate) => verifier.verify(candidate);
    }
  }

  onModuleDestroy(): void {
    this.jwks?.close();
  }

  /**
   * The admin guard's check: `Authorization: Bearer` as `authenticate` does, or, without that
   * header, the console's session cookie (which also needs the CSRF header for a change).
   */
  async authenticateRequest(request: FastifyRequest): Promise<AdminPrincipal> {
    const { authorization } = request.headers;
    if (
      this.mode !== 'disabled' &&
      authorization === undefined &&
      this.sessions?.carriesSession(request)
    ) {
      return this.sessions.authenticate(request);
    }
    return this.authenticate(authorization);
  }

  /** Throws `AdminUnauthorizedError` saying what is wrong; never echoes the credentials. */
  async authenticate(authorization: string | string[] | undefined): Promise<AdminPrincipal> {
    if (this.mode === 'disabled') {
      throw new AdminUnauthorizedError('admin authentication is disabled (admin.mode)');
    }
    return this.verify(bearerToken(authorization));
  }
}
