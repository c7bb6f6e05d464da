import { createHmac, verify as verifySignature, type KeyObject } from 'node:crypto';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import {
  assertFresh,
  constantTimeEqual,
  epochSecondsToMs,
  requiredHeader,
} from '../kit/verification';
import type { WebhookRequest } from '../webhook-vendor';
import {
  STANDARD_WEBHOOKS_TOLERANCE_MS,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from './standard-webhooks.constants';

/** What a receiver trusts: an HMAC key (`v1`), an Ed25519 public key (`v1a`), or both. */
export interface StandardWebhooksKeys {
  hmacKey?: Buffer;
  publicKey?: KeyObject;
}

/** The signed content: `${webhook-id}.${webhook-timestamp}.${raw body}`, as exact bytes. */
export function signedContent(id: string, timestamp: string, rawBody: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${id}.${timestamp}.`), rawBody]);
}

/** The `v1` signature: base64 HMAC-SHA256 of the signed content. */
export function computeV1Signature(
  hmacKey: Buffer,
  id: string,
  timestamp: string,
  rawBody: Buffer,
): string {
  return createHmac('sha256', hmacKey)
    .update(signedContent(id, timestamp, rawBody))
    .digest('base64');
}

/** `version,signature` pairs of the space-separated `webhook-signature` header. */
function parseSignatures(header: string): { version: string; signature: string }[] {
  return header
    .split(' ')
    .filter((entry) => entry !== '')
    .map((entry) => {
      const comma = entry.indexOf(',');
      return comma === -1
        ? { version: entry, signature: '' }
        : { version: entry.slice(0, comma), signature: entry.slice(comma + 1) };
    });
}

function ed25519Matches(publicKey: KeyObject, content: Buffer, signature: string): boolean {
  const bytes = Buffer.from(signature, 'base64');
  // Ed25519 signatures are 64 bytes; anything else is refused before the verifier sees it.
  if (bytes.length !== 64 || bytes.toString('base64') !== signature) return false;
  return verifySignature(null, content, publicKey, bytes);
}

/**
 * Verifies a Standard Webhooks request: headers present and single, timestamp within 300 s,
 * and at least one listed signature of a version this receiver has a key for. No replay key is
 * returned: `webhook-id` is the message id, so a replayed request is stored once anyway.
 */
export function verifyStandardWebhooksSignature(
  request: Pick<WebhookRequest, 'headers' | 'rawBody' | 'receivedAt'>,
  keys: StandardWebhooksKeys,
): void {
  const id = requiredHeader(request, WEBHOOK_ID_HEADER);
  const timestamp = requiredHeader(request, WEBHOOK_TIMESTAMP_HEADER);
  const header = requiredHeader(request, WEBHOOK_SIGNATURE_HEADER);
  assertFresh(
    epochSecondsToMs(timestamp),
    request.receivedAt,
    STANDARD_WEBHOOKS_TOLERANCE_MS,
    WEBHOOK_TIMESTAMP_HEADER,
  );
  const content = signedContent(id, timestamp, request.rawBody);
  const expectedV1 = keys.hmacKey
    ? createHmac('sha256', keys.hmacKey).update(content).digest('base64')
    : undefined;
  let matched = false;
  let usable = false;
  for (const { version, signature } of parseSignatures(header)) {
    if (version === 'v1' && expectedV1 !== undefined) {
      usable = true;
      matched = constantTimeEqual(signature, expectedV1) || matched;
    } else if (version === 'v1a' && keys.publicKey) {
      usable = true;
      matched = ed25519Matches(keys.publicKey, content, signature) || matched;
    }
  }
  if (!usable) {
    throw new SignatureRejectedError(
      `${WEBHOOK_SIGNATURE_HEADER} carries no ${[expectedV1 && 'v1', keys.publicKey && 'v1a'].filter(Boolean).join(' or ')} signature`,
    );
  }
  if (!matched) throw new SignatureRejectedError('signature mismatch');
}
