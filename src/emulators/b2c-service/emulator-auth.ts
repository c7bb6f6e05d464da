/**
 * The Authorization schemes of the Connect REST API, as Oracle's "Authenticate and Authorize"
 * page (https://docs.oracle.com/en/cloud/saas/b2c-service/cxsvc/c_osvc_authentication_and_authorization.html)
 * lists them: `Basic` (a staff account), `Session <session token>` and `Bearer` (OAuth).
 *
 * A real site accepts a bearer token from the OAuth identity provider its administrator set up
 * (Single Sign-On Configurations, OAuth tab: the IdP's entity id as issuer, "Enforce Audience
 * Restriction" with a custom audience). The emulator takes that set-up as options: the issuer,
 * the audience and the identity provider's public keys. Session ids are given as a list, since the
 * emulator has no login that would issue them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';

import { EmulatorHttpError, ErrorCode } from './oracle-error';

export interface EmulatorOAuthOptions {
  /** Expected `iss`, e.g. `https://identity.oraclecloud.com/`. */
  issuer: string;
  /** Expected `aud` (the site's custom audience URL). */
  audience: string;
  /** The identity provider's signing keys. */
  jwks: JSONWebKeySet;
}

export interface EmulatorAuthOptions {
  /** HTTP Basic credentials of the one staff account. */
  username: string;
  password: string;
  /** When set, `Authorization: Bearer <JWT>` signed by this identity provider is accepted. */
  oauth?: EmulatorOAuthOptions;
  /** Session ids accepted in `Authorization: Session <id>`. */
  sessionIds?: readonly string[];
}

/** Asymmetric algorithms only, as an identity domain signs. */
const BEARER_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Constant-time comparison of credentials (digests have equal length whatever the input). */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

function denied(detail: string, challenge: string): EmulatorHttpError {
  return new EmulatorHttpError(
    401,
    ErrorCode.NotAuthorized,
    detail,
    { 'www-authenticate': challenge },
    'Unauthorized',
  );
}

const BASIC_CHALLENGE = 'Basic realm="Oracle B2C Service emulator", charset="UTF-8"';

function basicAccepted(credentials: string, options: EmulatorAuthOptions): boolean {
  if (!/^[A-Za-z0-9+/=]+$/.test(credentials)) return false;
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  // Evaluate both comparisons so timing does not reveal which part was wrong.
  const userOk = sameSecret(decoded.slice(0, colon), options.username);
  const passwordOk = sameSecret(decoded.slice(colon + 1), options.password);
  return userOk && passwordOk;
}

function sessionAccepted(id: string, options: EmulatorAuthOptions): boolean {
  let accepted = false;
  for (const known of options.sessionIds ?? []) if (sameSecret(id, known)) accepted = true;
  return accepted;
}

/** One key resolver per key set, so keys are imported once. */
const keyResolvers = new WeakMap<JSONWebKeySet, ReturnType<typeof createLocalJWKSet>>();

async function bearerAccepted(token: string, oauth: EmulatorOAuthOptions): Promise<boolean> {
  let keys = keyResolvers.get(oauth.jwks);
  if (!keys) {
    keys = createLocalJWKSet(oauth.jwks);
    keyResolvers.set(oauth.jwks, keys);
  }
  try {
    await jwtVerify(token, keys, {
      issuer: oauth.issuer,
      audience: oauth.audience,
      algorithms: BEARER_ALGORITHMS,
      requiredClaims: ['exp'],
    });
    return true;
  } catch {
    return false;
  }
}

/** Throws 401 OSC-CREST-00014 unless the Authorization header is one the site accepts. */
export async function checkAuthorization(
  header: string | undefined,
  options: EmulatorAuthOptions,
): Promise<void> {
  const match = /^(\S+)\s+(\S+)\s*$/.exec(header ?? '');
  const scheme = match?.[1].toLowerCase();
  const credentials = match?.[2] ?? '';
  if (scheme === 'basic' && basicAccepted(credentials, options)) return;
  if (scheme === 'session' && options.sessionIds?.length) {
    if (sessionAccepted(credentials, options)) return;
    throw denied('Access denied: the session is not valid', 'Session');
  }
  if (scheme === 'bearer' && options.oauth) {
    if (await bearerAccepted(credentials, options.oauth)) return;
    throw denied('Access denied: the OAuth token is not valid', 'Bearer error="invalid_token"');
  }
  throw denied('Access denied: HTTP Basic credentials are missing or invalid', BASIC_CHALLENGE);
}
