import { UnprocessablePayloadError } from '../../common/problem/gateway-error';
import type { InboundMessage, MediaRef } from '../../messages/inbound-message';
import {
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
import { TELNYX_VENDOR_NAME } from './telnyx.constants';

const ID_SHAPE = /^[A-Za-z0-9_-]{1,100}$/;
const HTTP_URL = /^https?:\/\/\S+$/i;
/** Outbound message events: stored once each as a status, opening no incident. */
const STATUS_EVENTS = new Set(['message.sent', 'message.finalized']);

function messageId(payload: JsonObject): string {
  const id = requiredString(payload.id, 'data.payload.id');
  if (!ID_SHAPE.test(id)) {
    throw new UnprocessablePayloadError('data.payload.id is not a Telnyx id', {
      field: 'data.payload.id',
    });
  }
  return id;
}

function mediaOf(payload: JsonObject): MediaRef[] {
  const media = payload.media ?? [];
  if (!Array.isArray(media)) {
    throw new UnprocessablePayloadError('data.payload.media must be an array', {
      field: 'data.payload.media',
    });
  }
  return media.map((item: unknown, index) => {
    const where = `data.payload.media[${index}]`;
    const entry = requiredObject(item, where);
    const url = requiredString(entry.url, `${where}.url`);
    if (!HTTP_URL.test(url)) {
      throw new UnprocessablePayloadError(`${where}.url is not an http(s) URL`, {
        field: `${where}.url`,
      });
    }
    const contentType = optionalString(entry.content_type, `${where}.content_type`);
    return contentType ? { url, contentType } : { url };
  });
}

/** The first recipient's number: E.164 when it is one, else as sent (short code). */
function firstRecipient(payload: JsonObject): string {
  const to: unknown = payload.to;
  const first: unknown = Array.isArray(to) ? to[0] : to;
  const number = requiredString(
    requiredObject(first, 'data.payload.to[0]').phone_number,
    'data.payload.to[0].phone_number',
  );
  return toE164(number) ?? number;
}

/**
 * One Telnyx messaging event: `message.received` becomes an `sms` (or `mms` with media);
 * `message.sent` and `message.finalized` a `status` per event; any other event type is a control
 * event (acknowledged, nothing stored).
 */
export function parseTelnyxPayload(
  request: Pick<WebhookRequest, 'rawBody' | 'receivedAt'>,
): InboundMessage[] {
  const body = parseJsonBody(request, 'object');
  const data = requiredObject(body.data, 'data');
  const eventType = requiredString(data.event_type, 'data.event_type');
  if (eventType !== 'message.received' && !STATUS_EVENTS.has(eventType)) return [];
  const payload = requiredObject(data.payload, 'data.payload');
  const id = messageId(payload);
  const from = requiredObject(payload.from, 'data.payload.from');
  const receivedAt = isoTime(payload.received_at ?? data.occurred_at, request.receivedAt);

  if (eventType !== 'message.received') {
    return [
      {
        vendor: TELNYX_VENDOR_NAME,
        messageId: `${id}:${eventType}`,
        kind: 'status',
        from: requiredString(from.phone_number, 'data.payload.from.phone_number'),
        to: firstRecipient(payload),
        text: '',
        media: [],
        receivedAt: isoTime(data.occurred_at, request.receivedAt),
        raw: body,
      },
    ];
  }
  const media = mediaOf(payload);
  return [
    {
      vendor: TELNYX_VENDOR_NAME,
      messageId: id,
      kind: media.length > 0 || payload.type === 'MMS' ? 'mms' : 'sms',
      from: requiredE164(from.phone_number, 'data.payload.from.phone_number'),
      to: firstRecipient(payload),
      text: optionalString(payload.text, 'data.payload.text') ?? '',
      media,
      receivedAt,
      raw: body,
    },
  ];
}
