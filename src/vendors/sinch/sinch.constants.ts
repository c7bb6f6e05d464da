import type { VendorAck } from '../webhook-vendor';

/** Path segment, configuration key and `InboundMessage.vendor` value. */
export const SINCH_VENDOR_NAME = 'sinch';

export const SINCH_JSON = 'application/json';

export const SINCH_SIGNATURE_HEADER = 'x-sinch-webhook-signature';
export const SINCH_NONCE_HEADER = 'x-sinch-webhook-signature-nonce';
export const SINCH_TIMESTAMP_HEADER = 'x-sinch-webhook-signature-timestamp';
export const SINCH_ALGORITHM_HEADER = 'x-sinch-webhook-signature-algorithm';
export const SINCH_ALGORITHM = 'HmacSHA256';

/** Sinch publishes no window; five minutes, as the other timestamped schemes here. */
export const SINCH_DEFAULT_TOLERANCE_SECONDS = 300;

/** Sinch retries 5xx and 429 only; any 2xx is success. */
export const SINCH_ACK: Readonly<VendorAck> = Object.freeze({
  status: 200,
  contentType: 'application/json',
  body: '{"status":"received"}',
});

/** SMS REST API regions; the API lives at `https://<region>.sms.api.sinch.com`. */
export const SINCH_REGIONS = ['us', 'eu', 'au', 'br', 'ca'] as const;
export const SINCH_DEFAULT_REGION = 'us';

export function sinchApiBaseUrl(region: string): string {
  return `https://${region}.sms.api.sinch.com`;
}
