import type { VendorAck } from '../webhook-vendor';

/** Path segment, configuration key and `InboundMessage.vendor` value. */
export const AWS_SNS_VENDOR_NAME = 'aws-sns';

/** SNS names the message type in this header too; it must agree with the signed body `Type`. */
export const AWS_SNS_MESSAGE_TYPE_HEADER = 'x-amz-sns-message-type';

export const SNS_NOTIFICATION = 'Notification';
export const SNS_SUBSCRIPTION_CONFIRMATION = 'SubscriptionConfirmation';
export const SNS_UNSUBSCRIBE_CONFIRMATION = 'UnsubscribeConfirmation';

/**
 * How old a message's signed `Timestamp` may be. SNS keeps the original publish time on every
 * retry, and the total retry time of an HTTP/S delivery policy is capped by AWS at 3,600 s (the
 * default policy is 3 retries 20 s apart). One hour plus five minutes of clock skew and
 * throttled first delivery accepts every retry a policy can make, and nothing older.
 */
export const AWS_SNS_TOLERANCE_MS = 65 * 60 * 1000;

/** SNS wants any 2xx (within about 15 s); the body is ignored. */
export const AWS_SNS_ACK: Readonly<VendorAck> = Object.freeze({
  status: 200,
  contentType: 'application/json',
  body: '{"status":"accepted"}',
});
