import { createHash } from 'node:crypto';
import { errors, jwtVerify } from 'jose';
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

/** The message for what jose refused, in the words of MessageBird's own verifier. */
function rejection(error: unknown, algorithm: string): SignatureRejectedError {
  if (error instanceof errors.JWTExpired) {
    return new SignatureRejectedError('JWT has expired (exp is in the past)');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing')
      return new SignatureRejectedError(`JWT claim ${error.claim} missing`);
    if (error.reason === 'invalid') {
      return new SignatureRejectedError(`JWT claim ${error.claim} is not a number`);
    }
    if (error.claim === 'iss') return new SignatureRejectedError('JWT issuer is not MessageBird');
    if (error.claim === 'nbf') {
      return new SignatureRejectedError('JWT is not valid yet (nbf is in the future)');
    }
    return new SignatureRejectedError(`JWT claim ${error.claim} refused`);
  }
  if (error instanceof errors.JWTInvalid) {
    return new SignatureRejectedError('JWT claims is not a JSON object');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new SignatureRejectedError(`JWT algorithm ${algorithm} is not accepted`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new SignatureRejectedError('JWT signature mismatch');
  }
  if (error instanceof errors.JOSEError) {
    return new SignatureRejectedError(`JWT refused (${error.code})`);
  }
  throw error;
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
 * (absent exactly when the body is empty). jose checks the signature (in constant time), the
 * algorithm, the issuer and the time claims, as in MessageBird's own SDK. Its `jti` is returned as
 * the replay key, remembered until the token has expired.
 */
export async function verifyMessagebirdJwt(check: MessagebirdJwtCheck): Promise<Verification> {
  const token = check.token.trim();
  const parts = token.split('.');
  // An empty signature is let through to the algorithm check, so `alg: none` is named as such.
  if (
    parts.length !== 3 ||
    !SEGMENT.test(parts[0]) ||
    !SEGMENT.test(parts[1]) ||
    /[^\w-]/.test(parts[2])
  ) {
    throw new SignatureRejectedError('MessageBird-Signature-JWT is not a signed JWT');
  }
  const [encodedHeader, , signature] = parts;
  // Decoded here only to say precisely what is wrong; jose decides.
  const header = decodeSegment(encodedHeader, 'header');
  const algorithm = header.alg;
  if (typeof algorithm !== 'string' || !Object.hasOwn(MESSAGEBIRD_ALGORITHMS, algorithm)) {
    throw new SignatureRejectedError(`JWT algorithm ${String(algorithm)} is not accepted`);
  }
  if (header.crit !== undefined) throw new SignatureRejectedError('JWT crit header not supported');
  // jose compares decoded bytes; a signature is also refused unless its text is the canonical
  // base64url, so a re-encoded token is not the same token (its jti names one text).
  if (Buffer.from(signature, 'base64url').toString('base64url') !== signature) {
    throw new SignatureRejectedError('JWT signature mismatch');
  }
  let claims: JsonObject;
  try {
    ({ payload: claims } = await jwtVerify(token, Buffer.from(check.signingKey, 'utf8'), {
      algorithms: Object.keys(MESSAGEBIRD_ALGORITHMS),
      issuer: MESSAGEBIRD_ISSUER,
      requiredClaims: ['exp'],
      currentDate: check.now,
      clockTolerance: MESSAGEBIRD_CLOCK_TOLERANCE_MS / 1000,
    }));
  } catch (error) {
    throw rejection(error, algorithm);
  }

  const now = check.now.getTime();
  // jose has checked that exp is present and a number.
  const expires = (claims.exp as number) * 1000;
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
