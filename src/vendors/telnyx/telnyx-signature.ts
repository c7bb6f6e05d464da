import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import { assertFresh, epochSecondsToMs, requiredHeader } from '../kit/verification';
import type { WebhookRequest } from '../webhook-vendor';
import {
  TELNYX_SIGNATURE_HEADER,
  TELNYX_TIMESTAMP_HEADER,
  TELNYX_TOLERANCE_MS,
} from './telnyx.constants';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const SIGNATURE_SHAPE = /^[A-Za-z0-9+/]{86}==$/;

/** The Ed25519 key Telnyx publishes as base64 of its 32 raw bytes. */
export function telnyxPublicKey(base64: string): KeyObject {
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== 32) throw new Error('Telnyx public key must be 32 bytes');
  return createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
    format: 'der',
    type: 'spki',
  });
}

/** The exact bytes Telnyx signs: `<timestamp>|<raw body>`. */
export function telnyxSignedBytes(timestamp: string, rawBody: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}|`, 'utf8'), rawBody]);
}

/**
 * Ed25519 over `timestamp|body`, timestamp within 300 s. No nonce: a replay inside the window
 * can only redeliver a message already held (deduplicated on the message id).
 */
export function verifyTelnyxSignature(
  request: Pick<WebhookRequest, 'headers' | 'rawBody' | 'receivedAt'>,
  publicKey: KeyObject,
): void {
  const signature = requiredHeader(request, TELNYX_SIGNATURE_HEADER).trim();
  const timestamp = requiredHeader(request, TELNYX_TIMESTAMP_HEADER).trim();
  if (!SIGNATURE_SHAPE.test(signature)) {
    throw new SignatureRejectedError(
      `${TELNYX_SIGNATURE_HEADER} is not a base64 Ed25519 signature`,
    );
  }
  const signed = telnyxSignedBytes(timestamp, request.rawBody);
  if (!verify(null, signed, publicKey, Buffer.from(signature, 'base64'))) {
    throw new SignatureRejectedError('signature mismatch');
  }
  assertFresh(epochSecondsToMs(timestamp), request.receivedAt, TELNYX_TOLERANCE_MS);
}
