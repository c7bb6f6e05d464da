import { createHash } from 'node:crypto';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import type { JsonObject } from '../kit/payload';
import { assertFresh, constantTimeEqual, requiredHeader } from '../kit/verification';
import type { Verification, WebhookRequest } from '../webhook-vendor';
import { verifyHs256Jwt } from './hs256-jwt';
import { VONAGE_MESSAGES_AUTH_HEADER } from './vonage-messages.constants';

/** Allowed clock difference for `exp` and `nbf`, which Vonage may add (jose checks them). */
const CLOCK_SKEW_S = 60;
/** `jti` bounds: it becomes part of a stored replay key. */
const JTI_SHAPE = /^[\x21-\x7e]{1,128}$/;
const BEARER = /^Bearer ([^\s]+)$/i;

/** Hex SHA-256 of the exact body bytes: the token's `payload_hash` claim. */
export function vonagePayloadHash(rawBody: Buffer | string): string {
  return createHash('sha256').update(rawBody).digest('hex');
}

/** `iat` is required and fresh both ways (jose checks only its type, and only its age). */
function assertFreshIat(claims: JsonObject, receivedAt: Date, toleranceMs: number): void {
  const iat = claims.iat;
  if (iat === undefined) throw new SignatureRejectedError('token iat missing');
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    throw new SignatureRejectedError('token iat is not a number');
  }
  assertFresh(iat * 1000, receivedAt, toleranceMs, 'token iat');
}

export interface VonageMessagesCheck {
  secret: string;
  toleranceMs: number;
}

/**
 * `Authorization: Bearer <JWT>`: HS256 with the signature secret (checked by jose), `iat` fresh, and the
 * `payload_hash` claim equal to the body's SHA-256 (the token alone says nothing about the body;
 * `@vonage/jwt`'s verifySignature does not look at it). The token's `jti` is its nonce.
 */
export async function verifyVonageMessagesRequest(
  request: Pick<WebhookRequest, 'headers' | 'rawBody' | 'receivedAt'>,
  check: VonageMessagesCheck,
): Promise<Verification> {
  const header = requiredHeader(request, VONAGE_MESSAGES_AUTH_HEADER);
  const bearer = BEARER.exec(header.trim());
  if (!bearer) throw new SignatureRejectedError('authorization header is not a Bearer token');
  const claims = await verifyHs256Jwt(bearer[1], check.secret, {
    currentDate: request.receivedAt,
    clockToleranceS: CLOCK_SKEW_S,
  });
  assertFreshIat(claims, request.receivedAt, check.toleranceMs);

  const payloadHash = claims.payload_hash;
  if (typeof payloadHash !== 'string')
    throw new SignatureRejectedError('token payload_hash missing');
  if (!constantTimeEqual(payloadHash.toLowerCase(), vonagePayloadHash(request.rawBody))) {
    throw new SignatureRejectedError('payload_hash does not match the body');
  }

  const jti = claims.jti;
  if (jti === undefined) return {};
  if (typeof jti !== 'string' || !JTI_SHAPE.test(jti)) {
    throw new SignatureRejectedError('token jti is not a short printable string');
  }
  // Remembered for both sides of the window, since a token may be early as well as late.
  return { replayKey: jti, replayTtlMs: 2 * check.toleranceMs };
}
