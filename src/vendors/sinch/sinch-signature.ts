import { createHmac } from 'node:crypto';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import {
  assertFresh,
  constantTimeEqual,
  epochSecondsToMs,
  requiredHeader,
} from '../kit/verification';
import type { Verification, WebhookRequest } from '../webhook-vendor';
import {
  SINCH_ALGORITHM,
  SINCH_ALGORITHM_HEADER,
  SINCH_NONCE_HEADER,
  SINCH_SIGNATURE_HEADER,
  SINCH_TIMESTAMP_HEADER,
} from './sinch.constants';

/** Sinch nonces are ULIDs; bounded because the nonce becomes a stored replay key. */
const NONCE_SHAPE = /^[\x21-\x7e]{1,128}$/;

/** Base64 HMAC-SHA256 over `<raw body>.<nonce>.<timestamp>`. */
export function computeSinchSignature(
  secret: string,
  rawBody: Buffer,
  nonce: string,
  timestamp: string,
): string {
  return createHmac('sha256', secret)
    .update(rawBody)
    .update(`.${nonce}.${timestamp}`, 'utf8')
    .digest('base64');
}

/**
 * Signature, then timestamp freshness; the nonce is returned as the replay key, so the same
 * signed request sent twice is refused (401 "replayed") even inside the window.
 */
export function verifySinchSignature(
  request: Pick<WebhookRequest, 'headers' | 'rawBody' | 'receivedAt'>,
  check: { secret: string; toleranceMs: number },
): Verification {
  const signature = requiredHeader(request, SINCH_SIGNATURE_HEADER).trim();
  const nonce = requiredHeader(request, SINCH_NONCE_HEADER).trim();
  const timestamp = requiredHeader(request, SINCH_TIMESTAMP_HEADER).trim();
  const algorithm = request.headers[SINCH_ALGORITHM_HEADER];
  if (algorithm !== undefined && algorithm !== SINCH_ALGORITHM) {
    throw new SignatureRejectedError(`${SINCH_ALGORITHM_HEADER} must be ${SINCH_ALGORITHM}`);
  }
  if (!NONCE_SHAPE.test(nonce)) throw new SignatureRejectedError('nonce is not a short token');
  const expected = computeSinchSignature(check.secret, request.rawBody, nonce, timestamp);
  if (!constantTimeEqual(signature, expected)) {
    throw new SignatureRejectedError('signature mismatch');
  }
  assertFresh(epochSecondsToMs(timestamp), request.receivedAt, check.toleranceMs);
  // Remembered for both sides of the window, since a timestamp may be early as well as late.
  return { replayKey: nonce, replayTtlMs: 2 * check.toleranceMs };
}
