import {
  MalformedPayloadError,
  UnprocessablePayloadError,
} from '../../common/problem/gateway-error';
import type { InboundMessage } from '../../messages/inbound-message';
import { requiredE164, requiredString } from '../kit/payload';
import { toE164 } from '../../messages/phone-number';
import type { WebhookRequest } from '../webhook-vendor';
import { readVonageSmsParams, type VonageSmsParams } from './vonage-sms-params';
import { VONAGE_SMS_VENDOR_NAME } from './vonage-sms.constants';

/** Vonage message ids are hex strings such as `0A0000000123ABCD1`; bounded to stay a safe key. */
const MESSAGE_ID_SHAPE = /^[A-Za-z0-9-]{1,64}$/;
/** Delivery receipt statuses: `delivered`, `expired`, `failed`, `rejected`, `accepted`, ... */
const STATUS_SHAPE = /^[a-z][a-z_]{0,39}$/;
/** `message-timestamp`: UTC, `YYYY-MM-DD HH:MM:SS`. */
const VONAGE_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/;
const COUNT = /^\d{1,3}$/;

/** `message-timestamp` (UTC without a zone) as ISO 8601; unreadable → the time of arrival. */
export function vonageSmsTime(value: string | undefined, fallback: Date): string {
  const match = value === undefined ? null : VONAGE_TIME.exec(value);
  if (match) {
    const parsed = new Date(`${match[1]}T${match[2]}Z`);
    if (!Number.isNaN(parsed.getTime())) return parsed.toISOString();
  }
  return fallback.toISOString();
}

/** A number Vonage sends without '+' as E.164, or the address as sent (short code, sender id). */
function addressOrAsSent(value: string): string {
  return (/^\d{6,15}$/.test(value) ? toE164(`+${value}`) : toE164(value)) ?? value;
}

function messageIdOf(params: VonageSmsParams): string {
  const id = requiredString(params.messageId, 'messageId');
  if (!MESSAGE_ID_SHAPE.test(id)) {
    throw new UnprocessablePayloadError('messageId is not a Vonage message id', {
      field: 'messageId',
    });
  }
  return id;
}

function count(params: VonageSmsParams, name: string): number {
  const value = requiredString(params[name], name);
  if (!COUNT.test(value)) {
    throw new UnprocessablePayloadError(`${name} is not a count`, { field: name });
  }
  return Number(value);
}

/**
 * A part of a concatenated SMS says which part it is. Parts are stored as their own messages
 * (each has its own messageId): joining them would need state the adapter must not keep.
 */
function partLabel(params: VonageSmsParams): string {
  if (params.concat !== 'true') return '';
  const part = count(params, 'concat-part');
  const total = count(params, 'concat-total');
  requiredString(params['concat-ref'], 'concat-ref');
  if (part < 1 || part > total) {
    throw new UnprocessablePayloadError('concat-part is outside 1..concat-total', {
      field: 'concat-part',
    });
  }
  return `[part ${part}/${total}] `;
}

function inboundText(params: VonageSmsParams): string {
  const type = requiredString(params.type, 'type');
  if (type === 'text' || type === 'unicode') return params.text ?? '';
  if (type === 'binary') return '[binary SMS: data and udh are kept in the payload]';
  throw new UnprocessablePayloadError(`type '${type}' is not text, unicode or binary`, {
    field: 'type',
  });
}

function deliveryReceipt(params: VonageSmsParams, receivedAt: Date): InboundMessage {
  const status = requiredString(params.status, 'status').toLowerCase();
  if (!STATUS_SHAPE.test(status)) {
    throw new UnprocessablePayloadError('status is not a Vonage status', { field: 'status' });
  }
  return {
    vendor: VONAGE_SMS_VENDOR_NAME,
    // One message gets a receipt per status; each distinct status is its own event.
    messageId: `${messageIdOf(params)}:${status}`,
    kind: 'status',
    // A receipt's `to` is the gateway's own sender (number or sender id), msisdn the handset.
    from: requiredString(params.to, 'to'),
    to: addressOrAsSent(requiredString(params.msisdn, 'msisdn')),
    text: '',
    media: [],
    receivedAt: vonageSmsTime(params['message-timestamp'], receivedAt),
    raw: params,
  };
}

/**
 * One Vonage SMS API webhook as one message: an inbound SMS (one part of a concatenated SMS
 * included) becomes an `sms`; a delivery receipt (it has `status`, no `type`) a `status`.
 */
export function parseVonageSmsPayload(
  request: Pick<WebhookRequest, 'rawBody' | 'contentType' | 'receivedAt'>,
): InboundMessage[] {
  const params = readVonageSmsParams(request);
  if (Object.keys(params).length === 0) throw new MalformedPayloadError('body has no parameters');
  if (params.type === undefined && params.status !== undefined) {
    return [deliveryReceipt(params, request.receivedAt)];
  }
  const messageId = messageIdOf(params);
  const from = requiredE164(params.msisdn, 'msisdn', true);
  const to = addressOrAsSent(requiredString(params.to, 'to'));
  const text = partLabel(params) + inboundText(params);
  return [
    {
      vendor: VONAGE_SMS_VENDOR_NAME,
      messageId,
      kind: 'sms',
      from,
      to,
      text,
      media: [],
      receivedAt: vonageSmsTime(params['message-timestamp'], request.receivedAt),
      raw: params,
    },
  ];
}
