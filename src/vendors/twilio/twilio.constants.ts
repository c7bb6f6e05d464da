import type { VendorAck } from '../webhook-vendor';

/** Path segment, configuration key and `InboundMessage.vendor` value. */
export const TWILIO_VENDOR_NAME = 'twilio';

export const TWILIO_FORM = 'application/x-www-form-urlencoded';
export const TWILIO_JSON = 'application/json';

/** Header carrying the signature; lower-cased as Node delivers header names. */
export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

/**
 * Twilio expects TwiML with `Content-Type: text/xml`; anything else shows as an error in its
 * console. An empty `<Response/>` tells it to send nothing back to the sender.
 */
export const TWILIO_ACK: Readonly<VendorAck> = Object.freeze({
  status: 200,
  contentType: 'text/xml',
  body: '<?xml version="1.0" encoding="UTF-8"?><Response/>',
});
