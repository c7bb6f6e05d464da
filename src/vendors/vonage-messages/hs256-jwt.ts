import { createHmac } from 'node:crypto';
import { errors, jwtVerify } from 'jose';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import { isObject, type JsonObject } from '../kit/payload';

const COMPACT_JWT = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

function decodeSegment(segment: string, what: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new SignatureRejectedError(`token ${what} is not JSON`);
  }
  if (!isObject(parsed)) throw new SignatureRejectedError(`token ${what} is not a JSON object`);
  return parsed;
}

/** Base64url HMAC-SHA256 of `header.payload`: the third segment of an HS256 token (fixtures). */
export function hs256Signature(signingInput: string, secret: string): string {
  return createHmac('sha256', secret).update(signingInput, 'utf8').digest('base64url');
}

export interface Hs256JwtOptions {
  /** The moment `exp` and `nbf` are checked against. Default: now. */
  currentDate?: Date;
  /** Seconds of clock difference allowed on `exp` and `nbf`. Default 0. */
  clockToleranceS?: number;
}

/** The message for what jose refused: a claim (named) or, otherwise, the signature. */
function rejection(error: unknown): SignatureRejectedError {
  if (error instanceof errors.JWTExpired) return new SignatureRejectedError('token expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'invalid') {
      return new SignatureRejectedError(`token ${error.claim} is not a number`);
    }
    if (error.claim === 'nbf') return new SignatureRejectedError('token not valid yet');
    return new SignatureRejectedError(`token ${error.claim} claim refused`);
  }
  if (error instanceof errors.JWTInvalid) {
    return new SignatureRejectedError('token payload is not a JSON object');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new SignatureRejectedError('token algorithm must be HS256');
  }
  if (error instanceof errors.JOSEError) {
    return new SignatureRejectedError(
      error instanceof errors.JWSSignatureVerificationFailed
        ? 'token signature mismatch'
        : `token refused (${error.code})`,
    );
  }
  throw error;
}

/**
 * The claims of a compact JWT signed HS256 with `secret`, checked by jose: the algorithm is
 * pinned (a token saying `none`, another HMAC or an asymmetric algorithm is refused before any
 * key is used, so the header cannot choose how it is checked), the HMAC compared in constant
 * time, and `exp` / `nbf` (when present) held to the clock. `iat` and other claims are the
 * caller's to check.
 */
export async function verifyHs256Jwt(
  token: string,
  secret: string,
  options: Hs256JwtOptions = {},
): Promise<JsonObject> {
  const match = COMPACT_JWT.exec(token);
  if (!match) throw new SignatureRejectedError('token is not a compact JWT');
  const [, headerPart, , signaturePart] = match;
  // Decoded here only to say precisely what is wrong; jose decides.
  const header = decodeSegment(headerPart, 'header');
  if (header.alg !== 'HS256') throw new SignatureRejectedError('token algorithm must be HS256');
  // jose compares the decoded bytes; the base64url text must also be the canonical one, as jws
  // (Vonage's own verifier) requires, so a re-encoded signature is not accepted.
  if (Buffer.from(signaturePart, 'base64url').toString('base64url') !== signaturePart) {
    throw new SignatureRejectedError('token signature mismatch');
  }
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      currentDate: options.currentDate,
      clockTolerance: options.clockToleranceS ?? 0,
    });
    return payload;
  } catch (error) {
    throw rejection(error);
  }
}
