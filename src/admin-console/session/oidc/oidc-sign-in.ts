import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { errors, jwtVerify, type JWTPayload } from 'jose';
import { OUTBOUND_HTTP, type OutboundHttp } from '../../../allowlist/outbound/outbound-http.port';
import { JwksUnavailableError, RemoteJwks } from '../../../admin/remote-jwks';
import { OutboundGuard } from '../../../allowlist/outbound/outbound-guard';
import { GatewayConfig } from '../../../config/gateway-config';
import type { SecretHandle } from '../../../secrets/secret-handle';
import { SecretsService } from '../../../secrets/secrets.service';
import { oidcConfigured } from '../../../config/admin-session.settings';
import { AdminSessions } from '../../../admin/session/admin-sessions';
import { sameSecret } from '../../../admin/session/csrf';
import {
  clearCookie,
  OIDC_COOKIE,
  OIDC_COOKIE_PATH,
  readCookie,
  setCookie,
} from '../../../admin/session/session-cookie';
import { messageOf, OidcDiscovery, type OidcMetadata } from './oidc-discovery';
import { OidcSignInError } from './oidc-sign-in.error';
import { randomToken, s256Challenge } from './pkce';

/** How long a browser may take at the identity domain between redirect and callback. */
const SIGN_IN_STATE_SECONDS = 600;
const STATE_AUDIENCE = 'gw-admin-oidc-state';
const TOKEN_TIMEOUT_MS = 10_000;

/** What the sign-in cookie carries from the redirect to the callback. */
interface SignInState {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
}

/** Query parameters of the callback, as the identity domain sends them. */
export interface CallbackQuery {
  code?: unknown;
  state?: unknown;
  error?: unknown;
}

/**
 * The console's OpenID Connect sign-in (jwt mode): authorization code flow with PKCE (S256), the
 * state, nonce and code verifier kept in a short-lived encrypted cookie (not in memory: the
 * callback may reach another process), the code exchanged at the token endpoint and the id token
 * checked (signature by the identity domain's JWKS, issuer, audience = client id, expiry, nonce).
 * Discovery, token endpoint and JWKS are called through the outbound allowlist.
 */
@Injectable()
export class OidcSignIn implements OnModuleDestroy {
  private readonly logger = new Logger('AdminOidc');
  private readonly discovery?: OidcDiscovery;
  private jwks?: { uri: string; keys: RemoteJwks };
  private clientSecret?: SecretHandle;

  constructor(
    private readonly config: GatewayConfig,
    private readonly sessions: AdminSessions,
    private readonly secrets: SecretsService,
    @Inject(OUTBOUND_HTTP) private readonly http: OutboundHttp,
    private readonly outbound: OutboundGuard,
  ) {
    const { admin } = config;
    if (admin.mode === 'jwt' && oidcConfigured(admin.oidc) && admin.oidc.issuer) {
      this.discovery = new OidcDiscovery(http, admin.oidc.issuer);
    }
  }

  async onModuleInit(): Promise<void> {
    const secret = this.config.admin.oidc.clientSecret;
    if (this.discovery && secret !== undefined) {
      this.clientSecret = await this.secrets.watch('admin.oidc.clientSecret', secret);
    }
  }

  onModuleDestroy(): void {
    this.jwks?.keys.close();
  }

  get enabled(): boolean {
    return this.discovery !== undefined && this.sessions.enabled;
  }

  /** The identity domain's authorization URL to send the browser to, and the sign-in cookie. */
  async begin(next: string): Promise<{ location: string; cookie: string }> {
    const metadata = await this.metadata();
    const oidc = this.config.admin.oidc;
    const signIn: SignInState = {
      state: randomToken(),
      nonce: randomToken(),
      verifier: randomToken(),
      next,
    };
    const location = new URL(metadata.authorizationEndpoint);
    for (const [name, value] of Object.entries({
      response_type: 'code',
      client_id: oidc.clientId as string,
      redirect_uri: oidc.redirectUrl as string,
      scope: oidc.scopes.join(' '),
      state: signIn.state,
      nonce: signIn.nonce,
      code_challenge: s256Challenge(signIn.verifier),
      code_challenge_method: 'S256',
    })) {
      location.searchParams.set(name, value);
    }
    const sealed = await this.sessions.sealState(
      { ...signIn },
      STATE_AUDIENCE,
      Math.floor(Date.now() / 1000) + SIGN_IN_STATE_SECONDS,
    );
    return {
      location: location.toString(),
      cookie: setCookie(OIDC_COOKIE, sealed, {
        path: OIDC_COOKIE_PATH,
        maxAgeSeconds: SIGN_IN_STATE_SECONDS,
        secure: this.sessions.secureCookies,
        sameSite: 'Lax',
      }),
    };
  }

  /** The Set-Cookie that drops the sign-in cookie (after the callback, whatever its outcome). */
  endCookie(): string {
    return clearCookie(OIDC_COOKIE, {
      path: OIDC_COOKIE_PATH,
      secure: this.sessions.secureCookies,
      sameSite: 'Lax',
    });
  }

  /**
   * Checks the callback and returns who signed in and where to go. Throws `OidcSignInError`
   * with the code for the sign-in page.
   */
  async finish(
    cookieHeader: string | string[] | undefined,
    query: CallbackQuery,
  ): Promise<{ subject: string; next: string }> {
    const signIn = await this.signInState(cookieHeader);
    const state = typeof query.state === 'string' ? query.state : '';
    if (!sameSecret(state, signIn.state)) {
      throw new OidcSignInError('state-mismatch', 'the callback state is not this sign-in’s');
    }
    if (query.error !== undefined) {
      const error = typeof query.error === 'string' ? query.error.slice(0, 64) : 'unknown';
      throw new OidcSignInError(
        error === 'access_denied' ? 'access-denied' : 'provider-error',
        `the identity domain answered ${error}`,
      );
    }
    if (typeof query.code !== 'string' || query.code === '') {
      throw new OidcSignInError('code-missing', 'the callback carries no code');
    }
    const metadata = await this.metadata();
    const idToken = await this.exchange(metadata, query.code, signIn.verifier);
    const payload = await this.verifyIdToken(metadata, idToken);
    if (typeof payload.nonce !== 'string' || !sameSecret(payload.nonce, signIn.nonce)) {
      throw new OidcSignInError('nonce-mismatch', 'the id token’s nonce is not this sign-in’s');
    }
    return { subject: payload.sub as string, next: signIn.next };
  }

  private async metadata(): Promise<OidcMetadata> {
    if (!this.discovery) {
      throw new OidcSignInError('internal', 'OIDC sign-in is not configured');
    }
    return this.discovery.metadata();
  }

  private async signInState(cookieHeader: string | string[] | undefined): Promise<SignInState> {
    const sealed = readCookie(cookieHeader, OIDC_COOKIE);
    if (sealed === undefined) {
      throw new OidcSignInError('state-missing', 'no sign-in cookie (expired, or another browser)');
    }
    let payload: JWTPayload;
    try {
      payload = await this.sessions.openState(sealed, STATE_AUDIENCE);
    } catch {
      throw new OidcSignInError('state-missing', 'the sign-in cookie is expired or not valid');
    }
    const { state, nonce, verifier, next } = payload;
    if (
      typeof state !== 'string' ||
      typeof nonce !== 'string' ||
      typeof verifier !== 'string' ||
      typeof next !== 'string'
    ) {
      throw new OidcSignInError('state-missing', 'the sign-in cookie is not valid');
    }
    return { state, nonce, verifier, next };
  }

  /** The authorization code and PKCE verifier for an id token, at the token endpoint. */
  private async exchange(metadata: OidcMetadata, code: string, verifier: string): Promise<string> {
    const oidc = this.config.admin.oidc;
    const clientId = oidc.clientId as string;
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: oidc.redirectUrl as string,
      code_verifier: verifier,
    });
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (this.clientSecret) {
      // client_secret_basic: RFC 6749 2.3.1 form-encodes both parts before Basic.
      const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
      headers.authorization = `Basic ${Buffer.from(
        `${encode(clientId)}:${encode(this.clientSecret.current())}`,
      ).toString('base64')}`;
    } else {
      form.set('client_id', clientId);
    }
    const response = await this.http
      .request({
        method: 'POST',
        url: metadata.tokenEndpoint,
        headers,
        body: form.toString(),
        timeoutMs: TOKEN_TIMEOUT_MS,
        maxResponseBytes: 256 * 1024,
        purpose: 'admin-oidc-token',
      })
      .catch((error: unknown) => {
        throw new OidcSignInError(
          'provider-unavailable',
          `the token endpoint could not be reached: ${messageOf(error)}`,
        );
      });
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      // Described below by status.
    }
    if (response.status !== 200) {
      const error = typeof body.error === 'string' ? body.error.slice(0, 64) : 'no error code';
      throw new OidcSignInError(
        'token-refused',
        `the token endpoint answered ${response.status} (${error})`,
      );
    }
    if (typeof body.id_token !== 'string') {
      throw new OidcSignInError('id-token-invalid', 'the token endpoint returned no id_token');
    }
    return body.id_token;
  }

  private async verifyIdToken(metadata: OidcMetadata, idToken: string): Promise<JWTPayload> {
    const jwt = this.config.admin.jwt;
    const clientId = this.config.admin.oidc.clientId as string;
    if (this.jwks?.uri !== metadata.jwksUri) {
      this.jwks?.keys.close();
      this.jwks = {
        uri: metadata.jwksUri,
        keys: new RemoteJwks(this.outbound, {
          url: metadata.jwksUri,
          maxAgeMs: jwt.jwksMaxAgeMs,
          refreshCooldownMs: jwt.jwksRefreshCooldownMs,
          timeoutMs: jwt.jwksTimeoutMs,
          purpose: 'admin-oidc-jwks',
        }),
      };
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, this.jwks.keys.keyFor, {
        algorithms: jwt.algorithms,
        issuer: metadata.issuer,
        audience: clientId,
        clockTolerance: jwt.clockToleranceSeconds,
        requiredClaims: ['exp', 'iat', 'sub'],
      }));
    } catch (error) {
      if (error instanceof JwksUnavailableError) {
        throw new OidcSignInError('provider-unavailable', error.message);
      }
      throw new OidcSignInError('id-token-invalid', `the id token was refused: ${reason(error)}`);
    }
    // OIDC Core 3.1.3.7: with several audiences, the authorized party must be this client.
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== clientId) {
      throw new OidcSignInError('id-token-invalid', 'the id token was issued to another party');
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') {
      throw new OidcSignInError('id-token-invalid', 'the id token names no subject');
    }
    return payload;
  }

  /** Logs a failed sign-in (never the code, tokens or cookies). */
  logFailure(error: OidcSignInError | Error): void {
    if (error instanceof OidcSignInError && error.code !== 'internal') {
      this.logger.warn(`admin console sign-in refused (${error.code}): ${error.message}`);
    } else {
      this.logger.error({ msg: 'admin console sign-in failed', err: error });
    }
  }
}

/** Which check refused the id token, without its content. */
function reason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return `"${error.claim}" ${error.reason === 'missing' ? 'missing' : 'wrong'}`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature wrong';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (error instanceof errors.JWKSNoMatchingKey) return 'signed by a key the JWKS does not list';
  if (error instanceof errors.JOSEError) return error.code;
  return messageOf(error);
}
