import { createHmac } from 'node:crypto';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import { isObject, type JsonObject } from '../kit/payload';
import { constantTimeEqual } from '../kit/verification';

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

/** Base64url HMAC-SHA256 of `header.payload`: the third segment of an HS256 token. */
export function hs256Signature(signingInput: string, secret: string): string {
  return createHmac('sha256', secret).update(signingInput, 'utf8').digest('base64url');
}

/**
 * The claims of a compact JWT signed HS256 with `secret`. The algorithm is pinned: a token
 * saying `none`, another HMAC or an asymmetric algorithm is refused before any key is used, so
 * the header cannot choose how it is checked. Time claims are the caller's to check.
 */
export function verifyHs256Jwt(token: string, secret: string): JsonObject {
  const match = COMPACT_JWT.exec(token);
  if (!match) throw new SignatureRejectedError('token is not a compact JWT');
  const [, headerPart, payloadPart, signaturePart] = match;
  const header = decodeSegment(headerPart, 'header');
  if (header.alg !== 'HS256') throw new SignatureRejectedError('token algorithm must be HS256');
  // The base64url text is compared, as jws does, so a re-encoded signature is not accepted.
  const expected = hs256Signature(`${headerPart}.${payloadPart}`, secret);
  if (!constantTimeEqual(signaturePart, expected)) {
    throw new SignatureRejectedError('token signature mismatch');
  }
  return decodeSegment(payloadPart, 'payload');
}
