import type { VendorAck } from '../webhook-vendor';

/** Path segment, configuration key and `InboundMessage.vendor` value. */
export const VONAGE_SMS_VENDOR_NAME = 'vonage-sms';

/** The dashboard's "POST" (form) and "POST-JSON" webhook methods. */
export const VONAGE_SMS_FORM = 'application/x-www-form-urlencoded';
export const VONAGE_SMS_JSON = 'application/json';

/** The parameter that carries the signature; it is the one parameter not signed. */
export const VONAGE_SMS_SIG_PARAM = 'sig';

/**
 * The signature methods the Vonage dashboard offers, named as the Vonage SDKs name them.
 * `md5hash` (the default) is md5(params + secret); the others are HMACs keyed by the secret.
 */
export const VONAGE_SMS_SIGNATURE_METHODS = [
  'md5hash',
  'md5hmac',
  'sha1hmac',
  'sha256hmac',
  'sha512hmac',
] as const;
export type VonageSmsSignatureMethod = (typeof VONAGE_SMS_SIGNATURE_METHODS)[number];

/** Default freshness window for the signed `timestamp` parameter. */
export const VONAGE_SMS_DEFAULT_TOLERANCE_SECONDS = 300;
/** Vonage retries for 24 hours; a longer window would only widen replay exposure. */
export const VONAGE_SMS_MAX_TOLERANCE_SECONDS = 24 * 60 * 60;

/** Vonage treats 200 or 204 as delivered; anything else is retried for 24 hours. */
export const VONAGE_SMS_ACK: Readonly<VendorAck> = Object.freeze({
  status: 200,
  contentType: 'text/plain',
  body: 'OK',
});
