import type { InboundMessage } from '../inbound-message';
import {
  isObject,
  isoTime,
  optionalString,
  parseJsonBody,
  requiredE164,
  requiredObject,
  requiredString,
} from '../kit/payload';
import { toE164 } from '../phone-number';
import type { WebhookRequest } from '../webhook-vendor';
import { BIRD_INBOUND_SMS_EVENT, BIRD_VENDOR_NAME } from './bird.constants';

/**
 * A Bird notification (`{ service, event, payload }`). Only `sms.inbound` with an incoming
 * message becomes a message: the sender is `payload.sender.contact.identifierValue`, the text
 * `payload.body.text.text`. Every other event (outbound messages, status updates, other
 * channels) is acknowledged and not stored.
 */
export function parseBirdPayload(
  request: Pick<WebhookRequest, 'rawBody' | 'receivedAt'>,
): InboundMessage[] {
  const notification = parseJsonBody(request, 'object');
  const event = requiredString(notification.event, 'event');
  const message = requiredObject(notification.payload, 'payload');
  if (event !== BIRD_INBOUND_SMS_EVENT || message.direction !== 'incoming') return [];
  const sender = requiredObject(
    requiredObject(message.sender, 'payload.sender').contact,
    'payload.sender.contact',
  );
  const body = requiredObject(message.body, 'payload.body');
  const text = isObject(body.text)
    ? optionalString(body.text.text, 'payload.body.text.text')
    : undefined;
  // The receiver is a connector (channel), given by id; its number only when Bird includes it.
  const receiver =
    isObject(message.receiver) && isObject(message.receiver.connector)
      ? message.receiver.connector
      : {};
  const to =
    optionalString(receiver.identifierValue, 'payload.receiver.connector.identifierValue') ??
    requiredString(message.channelId, 'payload.channelId');
  return [
    {
      vendor: BIRD_VENDOR_NAME,
      messageId: requiredString(message.id, 'payload.id'),
      kind: 'sms',
      from: requiredE164(sender.identifierValue, 'payload.sender.contact.identifierValue', true),
      to: toE164(to) ?? to,
      text: text ?? '',
      media: [],
      receivedAt: isoTime(message.createdAt, request.receivedAt),
      raw: notification,
    },
  ];
}
