import { createHash, createHmac } from 'node:crypto';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import { isObject, type JsonObject } from '../kit/payload';
import { constantTimeEqual } from '../kit/verification';
import type { Verification } from '../webhook-vendor';
import {
  MESSAGEBIRD_ALGORITHMS,
  MESSAGEBIRD_CLOCK_TOLERANCE_MS,
  MESSAGEBIRD_ISSUER,
  MESSAGEBIRD_MAX_TOKEN_LIFETIME_MS,
} from './messagebird.constants';

export interface MessagebirdJwtCheck {
  /** The `MessageBird-Signature-JWT` header value. */
  token: string;
  signingKey: string;
  /** The full URL MessageBird called (scheme, host, port, path, query). */
  url: string;
  rawBody: Buffer;
  now: Date;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

function decodeSegment(segment: string, what: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new SignatureRejectedError(`JWT ${what} is not JSON`);
  }
  if (!isObject(parsed)) throw new SignatureRejectedError(`JWT ${what} is not a JSON object`);
  return parsed;
}

function numericDate(claims: JsonObject, name: string, required: boolean): number | undefined {
  const value = claims[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new SignatureRejectedError(
      `JWT claim ${name} ${value === undefined ? 'missing' : 'is not a number'}`,
    );
  }
  return value * 1000;
}

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function hashClaimMatches(claim: unknown, expected: string): boolean {
  // Hex is case-insensitive; the comparison is constant-time on the normalized form.
  return typeof claim === 'string' && constantTimeEqual(claim.toLowerCase(), expected);
}

/**
 * Verifies MessageBird's `MessageBird-Signature-JWT`: an HS256/384/512 JWT signed with the
 * account's signing key, issued by `MessageBird`, inside `nbf`..`exp` (5 s skew), whose
 * `url_hash` is the SHA-256 of the full URL and whose `payload_hash` is the SHA-256 of the body
 * (absent exactly when the body is empty). Its `jti` is returned as the replay key, remembered
 * until the token has expired.
 */
export function verifyMessagebirdJwt(check: MessagebirdJwtCheck): Verification {
  const parts = check.token.trim().split('.');
  // An empty signature is let through to the algorithm check, so `alg: none` is named as such.
  if (
    parts.length !== 3 ||
    !SEGMENT.test(parts[0]) ||
    !SEGMENT.test(parts[1]) ||
    /[^\w-]/.test(parts[2])
  ) {
    throw new SignatureRejectedError('MessageBird-Signature-JWT is not a signed JWT');
  }
  const [encodedHeader, encodedClaims, signature] = parts;
  const header = decodeSegment(encodedHeader, 'header');
  const algorithm = header.alg;
  if (typeof algorithm !== 'string' || !Object.hasOwn(MESSAGEBIRD_ALGORITHMS, algorithm)) {
    throw new SignatureRejectedError(`JWT algorithm ${String(algorithm)} is not accepted`);
  }
  if (header.crit !== undefined) throw new SignatureRejectedError('JWT crit header not supported');
  const digest = MESSAGEBIRD_ALGORITHMS[algorithm as keyof typeof MESSAGEBIRD_ALGORITHMS];
  const expected = createHmac(digest, Buffer.from(check.signingKey, 'utf8'))
    .update(`${encodedHeader}.${encodedClaims}`)
    .digest('base64url');
  if (!constantTimeEqual(signature, expected)) {
    throw new SignatureRejectedError('JWT signature mismatch');
  }

  const claims = decodeSegment(encodedClaims, 'claims');
  if (claims.iss !== MESSAGEBIRD_ISSUER)
    throw new SignatureRejectedError('JWT issuer is not MessageBird');
  const now = check.now.getTime();
  const notBefore = numericDate(claims, 'nbf', false);
  const expires = numericDate(claims, 'exp', true)!;
  numericDate(claims, 'iat', false);
  if (notBefore !== undefined && notBefore > now + MESSAGEBIRD_CLOCK_TOLERANCE_MS) {
    throw new SignatureRejectedError('JWT is not valid yet (nbf is in the future)');
  }
  if (expires <= now - MESSAGEBIRD_CLOCK_TOLERANCE_MS) {
    throw new SignatureRejectedError('JWT has expired (exp is in the past)');
  }
  if (expires > now + MESSAGEBIRD_MAX_TOKEN_LIFETIME_MS) {
    throw new SignatureRejectedError('JWT expires too far in the future');
  }
  const jti = claims.jti;
  if (typeof jti !== 'string' || jti === '')
    throw new SignatureRejectedError('JWT claim jti missing');

  if (!hashClaimMatches(claims.url_hash, sha256Hex(check.url))) {
    throw new SignatureRejectedError(
      claims.url_hash === undefined
        ? 'JWT claim url_hash missing'
        : 'JWT url_hash does not match the URL called',
    );
  }
  if (claims.payload_hash === undefined) {
    if (check.rawBody.length > 0) {
      throw new SignatureRejectedError('JWT has no payload_hash but the request has a body');
    }
  } else if (!hashClaimMatches(claims.payload_hash, sha256Hex(check.rawBody))) {
    throw new SignatureRejectedError('JWT payload_hash does not match the body');
  }
  return {
    replayKey: jti,
    replayTtlMs: Math.max(expires - now, 0) + MESSAGEBIRD_CLOCK_TOLERANCE_MS,
  };
}
