import type { VendorAck } from '../webhook-vendor';

/** Path segment, configuration key and `InboundMessage.vendor` value. */
export const PLIVO_VENDOR_NAME = 'plivo';

export const PLIVO_FORM = 'application/x-www-form-urlencoded';

export const PLIVO_V3_SIGNATURE_HEADER = 'x-plivo-signature-v3';
export const PLIVO_V3_NONCE_HEADER = 'x-plivo-signature-v3-nonce';
export const PLIVO_V2_SIGNATURE_HEADER = 'x-plivo-signature-v2';
export const PLIVO_V2_NONCE_HEADER = 'x-plivo-signature-v2-nonce';

export const PLIVO_SIGNATURE_VERSIONS = ['v3', 'v2'] as const;
export type PlivoSignatureVersion = (typeof PLIVO_SIGNATURE_VERSIONS)[number];

/**
 * How long a nonce is remembered. Plivo's scheme has no timestamp, so this bounds replay memory,
 * not replays: one after it can only redeliver a message already held (deduped on MessageUUID).
 */
export const PLIVO_NONCE_TTL_MS = 24 * 60 * 60 * 1000;

/** Plivo expects 200 with Plivo XML; an empty Response sends nothing back to the sender. */
export const PLIVO_ACK: Readonly<VendorAck> = Object.freeze({
  status: 200,
  contentType: 'application/xml',
  body: '<?xml version="1.0" encoding="utf-8"?><Response></Response>',
});
