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
import { VONAGE_MESSAGES_VENDOR_NAME } from './vonage-messages.constants';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Message statuses: `submitted`, `delivered`, `read`, `rejected`, `undeliverable`, ... */
const STATUS_SHAPE = /^[a-z][a-z_]{0,39}$/;
const HTTP_URL = /^https?:\/\/\S+$/i;
/** Message types whose content is one file at `<type>.url`. */
const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'file', 'vcard', 'sticker']);

/** A number Vonage sends without '+' as E.164, or the address as sent (short code, page id). */
function addressOrAsSent(value: string): string {
  return (/^\d{6,15}$/.test(value) ? toE164(`+${value}`) : toE164(value)) ?? value;
}

function messageUuid(payload: JsonObject): string {
  const uuid = requiredString(payload.message_uuid, 'message_uuid');
  if (!UUID.test(uuid)) {
    throw new UnprocessablePayloadError('message_uuid is not a UUID', { field: 'message_uuid' });
  }
  return uuid;
}

function mediaOf(payload: JsonObject, type: string): { media: MediaRef[]; caption: string } {
  const content = requiredObject(payload[type], type);
  const url = requiredString(content.url, `${type}.url`);
  if (!HTTP_URL.test(url)) {
    throw new UnprocessablePayloadError(`${type}.url is not an http(s) URL`, {
      field: `${type}.url`,
    });
  }
  return { media: [{ url }], caption: optionalString(content.caption, `${type}.caption`) ?? '' };
}

function locationText(payload: JsonObject): string {
  const location = requiredObject(payload.location, 'location');
  const lat = location.lat;
  const long = location.long;
  if (typeof lat !== 'number' || typeof long !== 'number') {
    throw new UnprocessablePayloadError('location.lat and location.long must be numbers', {
      field: 'location',
    });
  }
  const name = typeof location.name === 'string' ? ` (${location.name})` : '';
  return `Location: ${lat}, ${long}${name}`;
}

function statusMessage(payload: JsonObject, receivedAt: Date): InboundMessage {
  const status = requiredString(payload.status, 'status').toLowerCase();
  if (!STATUS_SHAPE.test(status)) {
    throw new UnprocessablePayloadError('status is not a Vonage status', { field: 'status' });
  }
  return {
    vendor: VONAGE_MESSAGES_VENDOR_NAME,
    // One message gets a callback per status; each distinct status is its own event.
    messageId: `${messageUuid(payload)}:${status}`,
    kind: 'status',
    // A status callback's `from` is the gateway's own sender, `to` the customer.
    from: requiredString(payload.from, 'from'),
    to: addressOrAsSent(requiredString(payload.to, 'to')),
    text: '',
    media: [],
    receivedAt: isoTime(payload.timestamp, receivedAt),
    raw: payload,
  };
}

/**
 * One Messages API (v1) webhook as one message: an inbound message (SMS, MMS, WhatsApp, Viber,
 * RCS) becomes an `sms`, or an `mms` when it carries a file; a status callback (it has `status`,
 * no `message_type`) becomes a `status`. Channels without phone numbers (Messenger) are refused
 * with 422: their sender cannot be matched to a B2C contact.
 */
export function parseVonageMessagesPayload(
  request: Pick<WebhookRequest, 'rawBody' | 'receivedAt'>,
): InboundMessage[] {
  const payload = parseJsonBody(request, 'object');
  if (payload.message_type === undefined && payload.status !== undefined) {
    return [statusMessage(payload, request.receivedAt)];
  }
  const messageId = messageUuid(payload);
  const type = requiredString(payload.message_type, 'message_type');
  const from = requiredE164(payload.from, 'from', true);
  const to = addressOrAsSent(requiredString(payload.to, 'to'));

  let text: string;
  let media: MediaRef[] = [];
  if (type === 'text') {
    text = optionalString(payload.text, 'text') ?? '';
  } else if (MEDIA_TYPES.has(type) && isObject(payload[type])) {
    ({ media, caption: text } = mediaOf(payload, type));
  } else if (type === 'location') {
    text = locationText(payload);
  } else {
    text = `[${type.slice(0, 40)} message: its content is kept in the payload]`;
  }

  return [
    {
      vendor: VONAGE_MESSAGES_VENDOR_NAME,
      messageId,
      kind: media.length > 0 ? 'mms' : 'sms',
      from,
      to,
      text,
      media,
      receivedAt: isoTime(payload.timestamp, request.receivedAt),
      raw: payload,
    },
  ];
}
