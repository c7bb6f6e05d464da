import type { InboundMessage } from '../../messages/inbound-message';
import {
  isObject,
  isoTime,
  optionalString,
  parseJsonBody,
  requiredE164,
  requiredObject,
  requiredString,
  type JsonObject,
} from '../kit/payload';
import { toE164 } from '../../messages/phone-number';
import type { WebhookRequest } from '../webhook-vendor';
import {
  BIRD_INBOUND_SMS_EVENT,
  BIRD_OUTBOUND_SMS_EVENT,
  BIRD_VENDOR_NAME,
} from './bird.constants';

/**
 * An `sms.outbound` event (a message we sent changed status: accepted, sent, delivered,
 * delivery_failed, ...) as kind `status`: from our channel to the customer. One stored status
 * per message and status, so a later `delivered` is not a duplicate.
 */
function outboundStatus(
  notification: JsonObject,
  message: JsonObject,
  receivedAt: Date,
): InboundMessage {
  const id = requiredString(message.id, 'payload.id');
  const status = requiredString(message.status, 'payload.status');
  const contacts =
    isObject(message.receiver) && Array.isArray(message.receiver.contacts)
      ? message.receiver.contacts
      : [];
  const contact = isObject(contacts[0]) ? contacts[0] : {};
  const to = requiredString(
    contact.identifierValue,
    'payload.receiver.contacts[0].identifierValue',
  );
  const connector =
    isObject(message.sender) && isObject(message.sender.connector) ? message.sender.connector : {};
  const from =
    optionalString(connector.identifierValue, 'payload.sender.connector.identifierValue') ??
    optionalString(message.channelId, 'payload.channelId') ??
    '';
  return {
    vendor: BIRD_VENDOR_NAME,
    messageId: `${id}:${status}`,
    kind: 'status',
    from: toE164(from) ?? from,
    to: toE164(to) ?? to,
    text: status,
    media: [],
    receivedAt: isoTime(message.lastStatusAt ?? message.updatedAt, receivedAt),
    raw: notification,
  };
}

/**
 * A Bird notification (`{ service, event, payload }`). `sms.inbound` with an incoming message
 * becomes a message: the sender is `payload.sender.contact.identifierValue`, the text
 * `payload.body.text.text`. `sms.outbound` with an outgoing message (ours) becomes a status.
 * Every other event (other channels, interactions) is acknowledged and not stored.
 */
export function parseBirdPayload(
  request: Pick<WebhookRequest, 'rawBody' | 'receivedAt'>,
): InboundMessage[] {
  const notification = parseJsonBody(request, 'object');
  const event = requiredString(notification.event, 'event');
  const message = requiredObject(notification.payload, 'payload');
  if (event === BIRD_OUTBOUND_SMS_EVENT && message.direction === 'outgoing') {
    return [outboundStatus(notification, message, request.receivedAt)];
  }
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
