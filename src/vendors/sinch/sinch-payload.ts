import { UnprocessablePayloadError } from '../../common/problem/gateway-error';
import type { InboundMessage, MediaRef } from '../../messages/inbound-message';
import {
  isObject,
  isoTime,
  type JsonObject,
  optionalString,
  parseJsonBody,
  requiredE164,
  requiredObject,
  requiredString,
} from '../kit/payload';
import { toE164 } from '../../messages/phone-number';
import type { WebhookRequest } from '../webhook-vendor';
import { SINCH_VENDOR_NAME } from './sinch.constants';

/** Sinch ids are ULIDs (26 characters) or similar tokens; bounded to stay safe keys. */
const ID_SHAPE = /^[A-Za-z0-9_-]{1,100}$/;
const STATUS_SHAPE = /^[A-Za-z][A-Za-z_]{0,39}$/;
const HTTP_URL = /^https?:\/\/\S+$/i;

function idOf(value: unknown, where: string): string {
  const id = requiredString(value, where);
  if (!ID_SHAPE.test(id)) {
    throw new UnprocessablePayloadError(`${where} is not a Sinch id`, { field: where });
  }
  return id;
}

/** A number Sinch sends without '+' as E.164, or the address as sent (short code). */
function addressOrAsSent(value: string): string {
  return (/^\d{6,15}$/.test(value) ? toE164(`+${value}`) : toE164(value)) ?? value;
}

function httpUrl(value: unknown, where: string): string {
  const url = requiredString(value, where);
  if (!HTTP_URL.test(url)) {
    throw new UnprocessablePayloadError(`${where} is not an http(s) URL`, { field: where });
  }
  return url;
}

function message(
  fields: Omit<InboundMessage, 'vendor' | 'media'> & { media?: MediaRef[] },
): InboundMessage {
  return { vendor: SINCH_VENDOR_NAME, media: [], ...fields };
}

/** SMS API inbound (`mo_text`, `mo_binary`, `mo_media`) and per-recipient delivery reports. */
function smsApiEvent(body: JsonObject, type: string, receivedAt: Date): InboundMessage[] {
  if (type === 'recipient_delivery_report_sms' || type === 'recipient_delivery_report_mms') {
    const status = requiredString(body.status, 'status');
    if (!STATUS_SHAPE.test(status)) {
      throw new UnprocessablePayloadError('status is not a Sinch status', { field: 'status' });
    }
    const recipient = requiredString(body.recipient, 'recipient');
    return [
      message({
        messageId: `${idOf(body.batch_id, 'batch_id')}:${recipient}:${status}`,
        kind: 'status',
        from: optionalString(body.from, 'from') ?? '',
        to: addressOrAsSent(recipient),
        text: '',
        receivedAt: isoTime(body.at, receivedAt),
        raw: body,
      }),
    ];
  }
  if (type !== 'mo_text' && type !== 'mo_binary' && type !== 'mo_media') return [];
  const common = {
    messageId: idOf(body.id, 'id'),
    from: requiredE164(body.from, 'from', true),
    to: addressOrAsSent(requiredString(body.to, 'to')),
    receivedAt: isoTime(body.received_at, receivedAt),
    raw: body,
  };
  if (type === 'mo_text') {
    return [message({ ...common, kind: 'sms', text: optionalString(body.body, 'body') ?? '' })];
  }
  if (type === 'mo_binary') {
    return [
      message({
        ...common,
        kind: 'sms',
        text: '[binary SMS: body and udh are kept in the payload]',
      }),
    ];
  }
  const content = requiredObject(body.body, 'body');
  const items: unknown = content.media ?? [];
  if (!Array.isArray(items)) {
    throw new UnprocessablePayloadError('body.media must be an array', { field: 'body.media' });
  }
  const media = items.map((item: unknown, index): MediaRef => {
    const entry = requiredObject(item, `body.media[${index}]`);
    const url = httpUrl(entry.url, `body.media[${index}].url`);
    const contentType = optionalString(entry.mimeType, `body.media[${index}].mimeType`);
    return contentType ? { url, contentType } : { url };
  });
  const text = [content.subject, content.message].filter((part) => typeof part === 'string');
  return [message({ ...common, kind: 'mms', text: text.join('\n'), media })];
}

/** Conversation API `message` event from a contact (direction TO_APP). */
function conversationMessage(body: JsonObject, receivedAt: Date): InboundMessage[] {
  const inbound = requiredObject(body.message, 'message');
  if (inbound.direction !== 'TO_APP') return [];
  const identity = requiredObject(inbound.channel_identity, 'message.channel_identity');
  const contact = requiredObject(inbound.contact_message, 'message.contact_message');
  let text = '';
  let media: MediaRef[] = [];
  if (isObject(contact.text_message)) {
    text =
      optionalString(contact.text_message.text, 'message.contact_message.text_message.text') ?? '';
  } else if (isObject(contact.media_message)) {
    media = [
      { url: httpUrl(contact.media_message.url, 'message.contact_message.media_message.url') },
    ];
  } else {
    const kind = Object.keys(contact)[0] ?? 'unknown';
    text = `[${kind.slice(0, 40)}: its content is kept in the payload]`;
  }
  return [
    message({
      messageId: idOf(inbound.id, 'message.id'),
      kind: media.length > 0 ? 'mms' : 'sms',
      from: requiredE164(identity.identity, 'message.channel_identity.identity', true),
      to: requiredString(body.app_id ?? identity.app_id, 'app_id'),
      text,
      media,
      receivedAt: isoTime(inbound.accept_time ?? body.accepted_time, receivedAt),
      raw: body,
    }),
  ];
}

/**
 * One Sinch callback. SMS API bodies carry `type`: inbound messages become `sms`/`mms`,
 * per-recipient delivery reports `status`, batch summaries nothing. Conversation API bodies carry
 * the event under its name: a contact's `message` becomes a message; every other event (contact
 * created, delivery reports, ...) is a control event, acknowledged and not stored.
 */
export function parseSinchPayload(
  request: Pick<WebhookRequest, 'rawBody' | 'receivedAt'>,
): InboundMessage[] {
  const body = parseJsonBody(request, 'object');
  if (body.type !== undefined) {
    return smsApiEvent(body, requiredString(body.type, 'type'), request.receivedAt);
  }
  if (body.message !== undefined) return conversationMessage(body, request.receivedAt);
  return [];
}
