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
import { decodeForm, formPairsToRecord } from '../kit/form-body';
import type { WebhookRequest } from '../webhook-vendor';
import { MESSAGEBIRD_VENDOR_NAME } from './messagebird.constants';

type Request = Pick<WebhookRequest, 'rawBody' | 'receivedAt' | 'contentType'>;

/** MessageBird writes MSISDNs without '+' ("31612345678"); a shortcode stays as sent. */
function recipient(value: unknown, where: string): string {
  const raw = requiredString(value, where).trim();
  return toE164(/^\d{6,15}$/.test(raw) ? `+${raw}` : raw) ?? raw;
}

/**
 * SMS API inbound message (`id`, `originator`, `recipient`, `body`, `createdDatetime`), sent as a
 * form or as JSON.
 */
function smsApiMessage(payload: JsonObject, request: Request): InboundMessage {
  return {
    vendor: MESSAGEBIRD_VENDOR_NAME,
    messageId: requiredString(payload.id, 'id'),
    kind: 'sms',
    from: requiredE164(payload.originator, 'originator', true),
    to: recipient(payload.recipient, 'recipient'),
    text: optionalString(payload.body, 'body') ?? '',
    media: [],
    receivedAt: isoTime(payload.createdDatetime, request.receivedAt),
    raw: payload,
  };
}

/**
 * Conversations API `message.created` / `message.updated`: only a message the customer sent
 * (`direction: received`) opens anything; MessageBird also reports the messages we send and
 * their status changes on the same webhook, and those are acknowledged and not stored.
 */
function conversationMessage(payload: JsonObject, request: Request): InboundMessage[] {
  const message = requiredObject(payload.message, 'message');
  if (payload.type !== 'message.created' || message.direction !== 'received') return [];
  const content = isObject(message.content) ? message.content : {};
  const media = ['image', 'video', 'audio', 'file']
    .map((kind) => (isObject(content[kind]) ? content[kind] : undefined))
    .filter((item): item is JsonObject => item !== undefined)
    .map((item) => ({ url: requiredString(item.url, 'message.content media url') }));
  return [
    {
      vendor: MESSAGEBIRD_VENDOR_NAME,
      messageId: requiredString(message.id, 'message.id'),
      kind: media.length > 0 ? 'mms' : 'sms',
      from: requiredE164(message.from, 'message.from', true),
      to: recipient(message.to, 'message.to'),
      text: optionalString(content.text, 'message.content.text') ?? '',
      media,
      receivedAt: isoTime(message.createdDatetime, request.receivedAt),
      raw: payload,
    },
  ];
}

/**
 * SMS API status report for a message we sent (`id`, `reference`, `recipient`, `status`,
 * `statusDatetime`, `statusReason`, `statusErrorCode`) as kind `status`. The report names no
 * originator. One stored status per message, recipient and status.
 */
function statusReport(payload: JsonObject, request: Request): InboundMessage {
  const id = requiredString(payload.id, 'id');
  const status = requiredString(payload.status, 'status');
  // JSON reports may write the MSISDN as a number.
  const raw = typeof payload.recipient === 'number' ? String(payload.recipient) : payload.recipient;
  const to = recipient(raw, 'recipient');
  return {
    vendor: MESSAGEBIRD_VENDOR_NAME,
    messageId: `${id}:${to}:${status}`,
    kind: 'status',
    from: '',
    to,
    text: optionalString(payload.statusReason, 'statusReason') ?? status,
    media: [],
    receivedAt: isoTime(payload.statusDatetime, request.receivedAt),
    raw: payload,
  };
}

/** An SMS API payload: a status report (a `status`, no `originator`) or an inbound message. */
function smsApiPayload(payload: JsonObject, request: Request): InboundMessage {
  return payload.status !== undefined && payload.originator === undefined
    ? statusReport(payload, request)
    : smsApiMessage(payload, request);
}

/** A MessageBird webhook as messages; a Conversations event that is not inbound gives none. */
export function parseMessagebirdPayload(request: Request): InboundMessage[] {
  if (request.contentType === 'application/x-www-form-urlencoded') {
    return [smsApiPayload(formPairsToRecord(decodeForm(request.rawBody)), request)];
  }
  const payload = parseJsonBody(request, 'object');
  if (payload.message !== undefined && payload.type !== undefined) {
    return conversationMessage(payload, request);
  }
  return [smsApiPayload(payload, request)];
}
