import { randomBytes } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { EncryptJWT, errors, jwtDecrypt, type JWTPayload } from 'jose';
import type { AdminPrincipal } from './admin-principal';
import { effectiveAdminMode, type AdminMode } from '../../config/admin.settings';
import { StaticTokenVerifier } from './static-token-verifier';
import { AdminUnauthorizedError } from '../../common/problem/gateway-error';
import { ConfigError } from '../../common/problem/config-error';
import { GatewayConfig } from '../../config/gateway-config';
import type { SecretHandle } from '../../secrets/secret-handle';
import { SecretsService } from '../../secrets/secrets.service';
import type { AdminSessionAuthenticator } from './admin-session.port';
import { oidcConfigured } from '../../config/admin-session.settings';
import { assertCsrf } from './csrf';
import {
  clearCookie,
  readCookie,
  SESSION_COOKIE,
  SESSION_COOKIE_PATH,
  setCookie,
} from './session-cookie';
import { DerivedKeys, type KeyPurpose } from './session-keys';

const SESSION_COOKIE_NAMED = new RegExp(`(?:^|;)\\s*${SESSION_COOKIE}=`);

/** Issuer and audience of sealed cookies, so nothing else sealed with the key passes as one. */
const ISSUER = 'b2c-webhook-gateway';
const SESSION_AUDIENCE = 'gw-admin-session';
const MIN_SESSION_SECRET_LENGTH = 32;
/** Allowed clock difference between the processes that seal and open a cookie. */
const CLOCK_TOLERANCE_SECONDS = 5;

export type SessionMode = Exclude<AdminMode, 'disabled'>;

/** A signed-in console user, as the session cookie holds it. */
export interface AdminSession {
  subject: string;
  mode: SessionMode;
  /** Sent back in `X-CSRF-Token` on every change; random per session. */
  csrfToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * The console's sessions, stateless: the session is an encrypted JWT (`dir`, `A256GCM`) in an
 * HttpOnly cookie, so every process behind a load balancer reads it without a shared store. The
 * key is derived from the admin token (token mode: a new token ends every session) or from
 * `admin.sessionSecret` (jwt mode with OIDC). Sealed with the current secret; opened with the
 * current or, during a rotation's overlap, the previous one, so processes whose secret caches
 * refresh at different moments agree.
 */
@Injectable()
export class AdminSessions implements AdminSessionAuthenticator, OnModuleInit {
  readonly mode: AdminMode;
  /** `Secure` cookies: everywhere but development and test (plain http on localhost). */
  readonly secureCookies: boolean;
  readonly ttlSeconds: number;
  private secret?: SecretHandle;
  private tokenVerifier?: StaticTokenVerifier;
  private readonly keys = new DerivedKeys();

  constructor(
    private readonly config: GatewayConfig,
    private readonly secrets: SecretsService,
  ) {
    this.mode = effectiveAdminMode(config.admin);
    this.secureCookies = config.nodeEnv === 'production';
    this.ttlSeconds = config.admin.sessionTtlSeconds;
  }

  async onModuleInit(): Promise<void> {
    const settings = this.config.admin;
    if (this.mode === 'token') {
      this.secret = await this.secrets.watch('admin.token', settings.token ?? '');
      const secret = this.secret;
      this.tokenVerifier = new StaticTokenVerifier(() => secret.acceptedValues());
    } else if (this.mode === 'jwt' && oidcConfigured(settings.oidc)) {
      this.secret = await this.secrets.watch('admin.sessionSecret', settings.sessionSecret ?? '');
      if (this.secret.current().length < MIN_SESSION_SECRET_LENGTH) {
        throw new ConfigError([
          `admin.sessionSecret (ADMIN_SESSION_SECRET): must be at least ${MIN_SESSION_SECRET_LENGTH} characters`,
        ]);
      }
    }
  }

  /** Whether console sign-in is possible at all in this configuration. */
  get enabled(): boolean {
    return this.secret !== undefined;
  }

  /** Token mode: whether `token` is the admin token (constant time). */
  checkAdminToken(token: string): boolean {
    if (!this.tokenVerifier) return false;
    try {
      this.tokenVerifier.verify(token);
      return true;
    } catch {
      return false;
    }
  }

  /** A new session for `subject`, and the Set-Cookie that carries it. */
  async start(subject: string): Promise<{ session: AdminSession; cookie: string }> {
    const mode = this.mode;
    if (!this.secret || mode === 'disabled') {
      throw new AdminUnauthorizedError('console sessions are not enabled in this configuration');
    }
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = (Math.floor(Date.now() / 1000) + this.ttlSeconds) * 1000;
    const sealed = await this.seal(
      { sub: subject, mode, csrf: csrfToken },
      SESSION_AUDIENCE,
      'session',
      expiresAt / 1000,
    );
    return {
      session: { subject, mode, csrfToken, expiresAt },
      cookie: setCookie(SESSION_COOKIE, sealed, this.cookieOptions(this.ttlSeconds)),
    };
  }

  /** The Set-Cookie that drops the session cookie. */
  endCookie(): string {
    return clearCookie(SESSION_COOKIE, {
      path: SESSION_COOKIE_PATH,
      secure: this.secureCookies,
      sameSite: 'Strict',
    });
  }

  carriesSession(request: FastifyRequest): boolean {
    const { cookie } = request.headers;
    return cookie !== undefined && SESSION_COOKIE_NAMED.test(cookie);
  }

  /** The session of a request's cookie; throws `AdminUnauthorizedError` naming what is wrong. */
  async sessionOf(request: FastifyRequest): Promise<AdminSession> {
    const sealed = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (sealed === undefined) throw new AdminUnauthorizedError('no console session (sign in)');
    if (!this.secret) {
      throw new AdminUnauthorizedError('console sessions are not enabled in this configuration');
    }
    const payload = await this.open(sealed, SESSION_AUDIENCE, 'session').catch((error: unknown) => {
      throw new AdminUnauthorizedError(
        error instanceof errors.JWTExpired
          ? 'the console session expired (sign in again)'
          : 'the console session is not valid (sign in again)',
      );
    });
    const { sub, mode, csrf, exp } = payload;
    if (
      typeof sub !== 'string' ||
      mode !== this.mode ||
      typeof csrf !== 'string' ||
      typeof exp !== 'number'
    ) {
      throw new AdminUnauthorizedError('the console session is not valid (sign in again)');
    }
    return { subject: sub, mode: mode as SessionMode, csrfToken: csrf, expiresAt: exp * 1000 };
  }

  /** The guard's path for a cookie: the session, then the CSRF checks for a change. */
  async authenticate(request: FastifyRequest): Promise<AdminPrincipal> {
    const session = await this.sessionOf(request);
    assertCsrf(request, session.csrfToken, this.config.server.publicBaseUrl);
    return {
      subject: session.subject,
      mode: session.mode,
      session: { expiresAt: session.expiresAt, csrfToken: session.csrfToken },
    };
  }

  /** Seals a short-lived value (the OIDC sign-in state) under its own derived key. */
  sealState(claims: JWTPayload, audience: string, expiresAtSeconds: number): Promise<string> {
    return this.seal(claims, audience, 'oidc-state', expiresAtSeconds);
  }

  openState(sealed: string, audience: string): Promise<JWTPayload> {
    return this.open(sealed, audience, 'oidc-state');
  }

  cookieOptions(maxAgeSeconds: number) {
    return {
      path: SESSION_COOKIE_PATH,
      maxAgeSeconds,
      secure: this.secureCookies,
      sameSite: 'Strict' as const,
    };
  }

  private async seal(
    claims: JWTPayload,
    audience: string,
    purpose: KeyPurpose,
    expiresAtSeconds: number,
  ): Promise<string> {
    const secret = this.secret as SecretHandle;
    return new EncryptJWT(claims)
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAtSeconds))
      .encrypt(this.keys.get(secret.current(), purpose));
  }

  /** Tries the current secret's key, then the previous one's during a rotation overlap. */
  private async open(sealed: string, audience: string, purpose: KeyPurpose): Promise<JWTPayload> {
    const secret = this.secret as SecretHandle;
    let failure: unknown = new Error('no key');
    for (const value of secret.acceptedValues()) {
      try {
        const { payload } = await jwtDecrypt(sealed, this.keys.get(value, purpose), {
          issuer: ISSUER,
          audience,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          keyManagementAlgorithms: ['dir'],
          contentEncryptionAlgorithms: ['A256GCM'],
          requiredClaims: ['exp', 'iat'],
        });
        return payload;
      } catch (error) {
        failure = error;
        // Only a failed decryption means "maybe the other key"; an expired session stays expired.
        if (!(error instanceof errors.JWEDecryptionFailed)) break;
      }
    }
    throw failure;
  }
}
