/**
 * Short codes a failed OIDC sign-in sends the browser back to the sign-in page with
 * (`/admin/sign-in?error=<code>`); the log line says more.
 */
export type OidcErrorCode =
  /** No (readable) sign-in cookie: it expired, or the callback came to another browser. */
  | 'state-missing'
  /** The callback's `state` is not the one this browser's sign-in began with. */
  | 'state-mismatch'
  /** The identity domain answered the authorization request with `access_denied`. */
  | 'access-denied'
  /** The identity domain answered the authorization request with another error. */
  | 'provider-error'
  | 'code-missing'
  /** Discovery, token endpoint or JWKS could not be reached (or are off the allowlist). */
  | 'provider-unavailable'
  /** The token endpoint refused the code (wrong PKCE verifier, reused or expired code, client). */
  | 'token-refused'
  /** The id token's signature, issuer, audience, expiry or claims are wrong. */
  | 'id-token-invalid'
  | 'nonce-mismatch'
  | 'internal';

export class OidcSignInError extends Error {
  constructor(
    readonly code: OidcErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OidcSignInError';
  }
}
