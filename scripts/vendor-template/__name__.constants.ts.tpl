import type { VendorAck } from '../webhook-vendor';

/** Path segment, configuration key and `InboundMessage.vendor` value. */
export const __NAME___VENDOR_NAME = '__name__';

export const __NAME___SIGNATURE_HEADER = 'x-__name__-signature';
export const __NAME___TIMESTAMP_HEADER = 'x-__name__-timestamp';

/** How far a signed timestamp may be from the time of arrival. */
export const __NAME___TOLERANCE_MS = 5 * 60 * 1000;

/** TODO(vendor): the reply the vendor expects; most accept any 2xx. */
export const __NAME___ACK: Readonly<VendorAck> = Object.freeze({
  status: 200,
  contentType: 'application/json',
  body: '{"status":"accepted"}',
});
