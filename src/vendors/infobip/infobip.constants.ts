import type { VendorAck } from '../webhook-vendor';

/** Path segment, configuration key and `InboundMessage.vendor` value. */
export const INFOBIP_VENDOR_NAME = 'infobip';

/** Infobip treats any 2xx as delivered. */
export const INFOBIP_ACK: Readonly<VendorAck> = Object.freeze({
  status: 200,
  contentType: 'application/json',
  body: '{"status":"accepted"}',
});
