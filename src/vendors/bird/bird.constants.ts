import type { VendorAck } from '../webhook-vendor';

/** Path segment, configuration key and `InboundMessage.vendor` value. */
export const BIRD_VENDOR_NAME = 'bird';

/** Bird kept MessageBird's header names. */
export const BIRD_SIGNATURE_HEADER = 'messagebird-signature';
export const BIRD_TIMESTAMP_HEADER = 'messagebird-request-timestamp';

/**
 * Bird publishes no window; five minutes, like most schemes. There is no nonce: a replay inside
 * the window carries the same message id and is stored once.
 */
export const BIRD_TOLERANCE_MS = 5 * 60 * 1000;

/** The Channels API event of a message a customer sent over SMS. */
export const BIRD_INBOUND_SMS_EVENT = 'sms.inbound';

/** The Channels API event of a status change of a message sent over SMS (ours). */
export const BIRD_OUTBOUND_SMS_EVENT = 'sms.outbound';

/** Bird treats any 2xx as delivered. */
export const BIRD_ACK: Readonly<VendorAck> = Object.freeze({
  status: 200,
  contentType: 'application/json',
  body: '{"status":"accepted"}',
});
