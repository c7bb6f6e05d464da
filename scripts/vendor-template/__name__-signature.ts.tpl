import { createHmac } from 'node:crypto';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import { assertFresh, constantTimeEqual, epochSecondsToMs, requiredHeader } from '../kit/verification';
import type { Verification, WebhookRequest } from '../webhook-vendor';
import {
  __NAME___SIGNATURE_HEADER,
  __NAME___TIMESTAMP_HEADER,
  __NAME___TOLERANCE_MS,
} from './__name__.constants';

/**
 * TODO(vendor): the template's scheme, HMAC-SHA256(secret, "<timestamp>.<raw body>") as hex.
 * Replace it with the vendor's documented scheme and its published test vectors.
 */
export function compute__Name__Signature(secret: string, timestamp: string, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

export function verify__Name__Signature(
  request: Pick<WebhookRequest, 'headers' | 'rawBody' | 'receivedAt'>,
  secret: string,
): Verification {
  const signature = requiredHeader(request, __NAME___SIGNATURE_HEADER);
  const timestamp = requiredHeader(request, __NAME___TIMESTAMP_HEADER);
  assertFresh(epochSecondsToMs(timestamp), request.receivedAt, __NAME___TOLERANCE_MS);
  const expected = compute__Name__Signature(secret, timestamp, request.rawBody);
  if (!constantTimeEqual(signature.toLowerCase(), expected)) {
    throw new SignatureRejectedError('signature mismatch');
  }
  return {};
}
