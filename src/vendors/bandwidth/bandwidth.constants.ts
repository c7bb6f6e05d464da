import type { VendorAck } from '../webhook-vendor';

/** Path segment, configuration key and `InboundMessage.vendor` value. */
export const BANDWIDTH_VENDOR_NAME = 'bandwidth';

/** The callback of a message a customer sent to one of our numbers. */
export const BANDWIDTH_MESSAGE_RECEIVED = 'message-received';

/** Callbacks about messages we sent: stored as kind 'status' (they open no incident). */
export const BANDWIDTH_STATUS_TYPES: readonly string[] = [
  'message-sending',
  'message-delivered',
  'message-failed',
];

/** Bandwidth wants any 2xx within 10 s; the body is ignored. */
export const BANDWIDTH_ACK: Readonly<VendorAck> = Object.freeze({
  status: 200,
  contentType: 'application/json',
  body: '{"status":"accepted"}',
});

/** The Messaging API's origin (`POST /api/v2/users/{accountId}/messages`). */
export const BANDWIDTH_API_BASE_URL = 'https://messaging.bandwidth.com';
