import type { VendorAck } from '../webhook-vendor';

/** Path segment, configuration key and `InboundMessage.vendor` value. */
export const STANDARD_WEBHOOKS_VENDOR_NAME = 'standard-webhooks';

export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';

/** The spec's (and every reference library's) tolerance for `webhook-timestamp`. */
export const STANDARD_WEBHOOKS_TOLERANCE_MS = 5 * 60 * 1000;

/** Secret and public key serializations the spec defines. */
export const SECRET_PREFIX = 'whsec_';
export const PUBLIC_KEY_PREFIX = 'whpk_';

/** Default JSON Pointers (RFC 6901) into the payload. */
export const DEFAULT_FROM_POINTER = '/from';
export const DEFAULT_TO_POINTER = '/to';
export const DEFAULT_TEXT_POINTER = '/text';

/** The spec's senders treat any 2xx as delivered. */
export const STANDARD_WEBHOOKS_ACK: Readonly<VendorAck> = Object.freeze({
  status: 200,
  contentType: 'application/json',
  body: '{"status":"accepted"}',
});
