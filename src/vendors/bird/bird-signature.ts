import { createHash, createHmac } from 'node:crypto';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import {
  assertFresh,
  constantTimeEqual,
  epochSecondsToMs,
  requiredHeader,
} from '../kit/verification';
import type { WebhookRequest } from '../webhook-vendor';
import { BIRD_SIGNATURE_HEADER, BIRD_TIMESTAMP_HEADER, BIRD_TOLERANCE_MS } from './bird.constants';

/**
 * Bird's signature: base64 HMAC-SHA256(signing key, `${timestamp}\n${url}\n` followed by the
 * 32 raw bytes of SHA-256(body)), per docs.bird.com "Verifying a webhook".
 */
export function computeBirdSignature(
  signingKey: string,
  timestamp: string,
  url: string,
  rawBody: Buffer,
): string {
  const bodyHash = createHash('sha256').update(rawBody).digest();
  return createHmac('sha256', Buffer.from(signingKey, 'utf8'))
    .update(`${timestamp}\n${url}\n`)
    .update(bodyHash)
    .digest('base64');
}

export function verifyBirdSignature(
  request: Pick<WebhookRequest, 'headers' | 'rawBody' | 'receivedAt' | 'publicUrl'>,
  signingKey: string,
): void {
  const signature = requiredHeader(request, BIRD_SIGNATURE_HEADER).trim();
  const timestamp = requiredHeader(request, BIRD_TIMESTAMP_HEADER).trim();
  assertFresh(epochSecondsToMs(timestamp), request.receivedAt, BIRD_TOLERANCE_MS);
  // Bird signs the URL it called; publicUrl is rebuilt from configuration, not from Host.
  const expected = computeBirdSignature(signingKey, timestamp, request.publicUrl, request.rawBody);
  if (!constantTimeEqual(signature, expected)) {
    throw new SignatureRejectedError('signature mismatch');
  }
}
