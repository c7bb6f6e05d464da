import {
  MalformedPayloadError,
  UnprocessablePayloadError,
} from '../../common/problem/gateway-error';
import type { InboundMessage } from '../../messages/inbound-message';
import { isObject, isoTime, optionalString, requiredE164, requiredString } from '../kit/payload';
import { toE164 } from '../../messages/phone-number';
import type { SnsEnvelope } from './aws-sns-envelope';
import { AWS_SNS_VENDOR_NAME } from './aws-sns.constants';

/** Fields of AWS End User Messaging's (formerly Pinpoint's) two-way SMS payload. */
const TWO_WAY_SMS_FIELDS = ['originationNumber', 'inboundMessageId'];

/**
 * The SNS metadata kept with the message. `Signature`, `SigningCertURL` and above all
 * `UnsubscribeURL` are left out: anyone who opens the UnsubscribeURL (it needs no credentials)
 * ends the subscription, so it must not travel into incident notes.
 */
function snsMetadata(envelope: SnsEnvelope): Record<string, string> {
  const metadata: Record<string, string> = {
    Type: envelope.Type,
    MessageId: envelope.MessageId,
    TopicArn: envelope.TopicArn,
    Timestamp: envelope.Timestamp,
  };
  if (envelope.Subject !== undefined) metadata.Subject = envelope.Subject;
  return metadata;
}

/**
 * A Notification whose `Message` is a two-way SMS (a JSON string inside the SNS JSON) as one
 * message. Its id is `inboundMessageId`: the id of the SMS itself, so the same SMS published to
 * SNS twice is one message, and an SNS retry (same JSON) is deduplicated too. A Message that is
 * no two-way SMS at all (another publisher on the topic) is refused with 422: nothing the gateway
 * could open an incident for, and kept visible instead of silently acknowledged.
 */
export function parseTwoWaySms(envelope: SnsEnvelope, receivedAt: Date): InboundMessage {
  let sms: unknown;
  try {
    sms = JSON.parse(envelope.Message);
  } catch {
    sms = undefined;
  }
  if (!isObject(sms) || !TWO_WAY_SMS_FIELDS.some((field) => field in sms)) {
    throw new UnprocessablePayloadError(
      'Message is not an AWS End User Messaging two-way SMS payload',
    );
  }
  const messageId = requiredString(sms.inboundMessageId, 'Message.inboundMessageId');
  if (messageId.length > 200) {
    throw new MalformedPayloadError('Message.inboundMessageId is too long', {
      field: 'Message.inboundMessageId',
    });
  }
  const destination = requiredString(sms.destinationNumber, 'Message.destinationNumber');
  // Kept in `raw` only, but a wrong type there is as malformed as anywhere else.
  optionalString(sms.messageKeyword, 'Message.messageKeyword');
  optionalString(sms.previousPublishedMessageId, 'Message.previousPublishedMessageId');
  return {
    vendor: AWS_SNS_VENDOR_NAME,
    messageId,
    kind: 'sms',
    from: requiredE164(sms.originationNumber, 'Message.originationNumber'),
    // Long codes are E.164; a short code stays as sent.
    to: toE164(destination) ?? destination,
    text: optionalString(sms.messageBody, 'Message.messageBody') ?? '',
    media: [],
    receivedAt: isoTime(envelope.Timestamp, receivedAt),
    raw: { ...snsMetadata(envelope), Message: sms },
  };
}
