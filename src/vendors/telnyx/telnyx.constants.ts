import type { VendorAck } from '../webhook-vendor';

/** Path segment, configuration key and `InboundMessage.vendor` value. */
export const TELNYX_VENDOR_NAME = 'telnyx';

export const TELNYX_JSON = 'application/json';

export const TELNYX_SIGNATURE_HEADER = 'telnyx-signature-ed25519';
export const TELNYX_TIMESTAMP_HEADER = 'telnyx-timestamp';

/** Telnyx's documented tolerance, the same as its SDKs enforce. */
export const TELNYX_TOLERANCE_MS = 300 * 1000;

/** Telnyx wants a 200; anything else goes to the failover URL. */
export const TELNYX_ACK: Readonly<VendorAck> = Object.freeze({
  status: 200,
  contentType: 'application/json',
  body: '{"status":"received"}',
});

/** The Messaging API's origin (`POST /v2/messages`). */
export const TELNYX_API_BASE_URL = 'https://api.telnyx.com';
export const TELNYX_MESSAGES_PATH = '/v2/messages';

/** Telnyx's documented Idempotency-Key shape; a reference outside it is not sent as the key. */
export const TELNYX_IDEMPOTENCY_KEY = /^[A-Za-z0-9_:-]{1,255}$/;
