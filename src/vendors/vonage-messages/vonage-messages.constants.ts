import type { VendorAck } from '../webhook-vendor';

/** Path segment, configuration key and `InboundMessage.vendor` value. */
export const VONAGE_MESSAGES_VENDOR_NAME = 'vonage-messages';

export const VONAGE_MESSAGES_JSON = 'application/json';

/** Carries `Bearer <JWT>`, signed HS256 with the account's signature secret. */
export const VONAGE_MESSAGES_AUTH_HEADER = 'authorization';

/** Default freshness window for the token's `iat`. */
export const VONAGE_MESSAGES_DEFAULT_TOLERANCE_SECONDS = 300;

/** Vonage treats 200 or 204 as delivered; anything else is retried. */
export const VONAGE_MESSAGES_ACK: Readonly<VendorAck> = Object.freeze({
  status: 200,
  contentType: 'text/plain',
  body: 'OK',
});

/** Messages API (v1): one endpoint for every channel. */
export const VONAGE_MESSAGES_SEND_PATH = '/v1/messages';

/** The longest `client_ref` the Messages API takes. */
export const VONAGE_MESSAGES_CLIENT_REF_MAX = 100;

/** How long a send's JWT lives: Vonage's own default (15 minutes). */
export const VONAGE_MESSAGES_JWT_TTL_SECONDS = 15 * 60;
