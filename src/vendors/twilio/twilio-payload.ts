import {
  GatewayError,
  MalformedPayloadError,
  ProblemCode,
  UnprocessablePayloadError,
} from '../../common/problem/gateway-error';
import type { InboundMessage, MediaRef, MessageKind } from '../../messages/inbound-message';
import { toE164 } from '../../messages/phone-number';
import type { WebhookRequest } from '../webhook-vendor';
import { decodeFormOnce, decodeUtf8, formPairsToRecord } from '../kit/form-body';
import { TWILIO_FORM, TWILIO_JSON, TWILIO_VENDOR_NAME } from './twilio.constants';

/**
 * Shape check for the idempotency key. Real message SIDs are `SM`/`MM` plus 32 hex digits, but
 * older and test payloads vary, so only a bounded alphanumeric token is required: enough to keep
 * the key safe to store, log and suffix with `:<status>`.
 */
const SID_SHAPE = /^[A-Za-z0-9]{10,64}$/;
/** Twilio statuses are lower-case words such as `delivered` or `partially_delivered`. */
const STATUS_SHAPE = /^[a-z][a-z_]{0,39}$/;
const NUM_MEDIA_SHAPE = /^\d{1,3}$/;
const MEDIA_URL_NAME = /^MediaUrl(\d{1,3})$/;
/** Channel addresses such as `whatsapp:+14155238886` or `rcs:+1...`. */
const CHANNEL_PREFIX = /^[a-z][a-z0-9-]*:/i;

/** Field names: Twilio's webhook name first, then the Message resource (seed) spelling. */
const FIELDS = {
  MessageSid: ['MessageSid', 'SmsMessageSid', 'SmsSid', 'sid'],
  From: ['From', 'from'],
  To: ['To', 'to'],
  Body: ['Body', 'body'],
  NumMedia: ['NumMedia', 'num_media'],
  // Not the resource's `status`: the seed posts an outbound-api resource with status 'sent' and
  // expects an incident, so only the webhook status fields make a status callback.
  MessageStatus: ['MessageStatus', 'SmsStatus'],
} as const satisfies Record<string, readonly string[]>;

type FieldName = keyof typeof FIELDS;
type Payload = Readonly<Record<string, unknown>>;
type BodyStyle = 'form' | 'json';

function readField(payload: Payload, field: FieldName, style: BodyStyle): string | undefined {
  for (const name of FIELDS[field]) {
    if (!Object.hasOwn(payload, name)) continue;
    const value = payload[name];
    if (value === null || value === undefined) continue;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (style === 'form' && Array.isArray(value)) {
      // Twilio never repeats these; picking one of two senders or ids would be a guess.
      throw new MalformedPayloadError(`${field} appears more than once`, { field });
    }
    throw new UnprocessablePayloadError(`${field} must be a string`, { field });
  }
  return undefined;
}

/** E.164 for a phone number, with any channel prefix dropped; undefined when it is none. */
export function twilioAddressToE164(address: string): string | undefined {
  return toE164(address.replace(CHANNEL_PREFIX, '').trim());
}

function readMedia(payload: Payload, style: BodyStyle): MediaRef[] {
  const indexed: [number, MediaRef][] = [];
  for (const name of Object.keys(payload)) {
    const match = MEDIA_URL_NAME.exec(name);
    if (!match) continue;
    const index = Number(match[1]);
    const url = payload[name];
    if (style === 'form' && Array.isArray(url)) {
      throw new MalformedPayloadError(`${name} appears more than once`, { field: name });
    }
    if (typeof url !== 'string' || !/^https?:\/\/[^\s]+$/i.test(url)) {
      throw new UnprocessablePayloadError(`${name} is not an http(s) URL`, { field: name });
    }
    const contentType = payload[`MediaContentType${index}`];
    indexed.push([index, typeof contentType === 'string' ? { url, contentType } : { url }]);
  }
  return indexed.sort((a, b) => a[0] - b[0]).map(([, media]) => media);
}

function decodeBody(request: Pick<WebhookRequest, 'rawBody' | 'contentType'>): {
  payload: Payload;
  style: BodyStyle;
} {
  if (request.contentType === TWILIO_FORM) {
    return { payload: formPairsToRecord(decodeFormOnce(request.rawBody)), style: 'form' };
  }
  if (request.contentType === TWILIO_JSON) {
    const text = decodeUtf8(request.rawBody, 'JSON body');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new MalformedPayloadError('body is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new MalformedPayloadError('JSON body must be an object');
    }
    return { payload: parsed as Payload, style: 'json' };
  }
  throw new GatewayError(
    ProblemCode.UnsupportedMediaType,
    `Twilio sends ${TWILIO_FORM} or ${TWILIO_JSON}, not '${request.contentType}'`,
  );
}

/**
 * One Twilio Messaging webhook (inbound SMS/MMS/WhatsApp message or status callback) as exactly
 * one message. Pure: depends only on the request, so it can run before or after storage.
 */
export function parseTwilioPayload(
  request: Pick<WebhookRequest, 'rawBody' | 'contentType' | 'receivedAt'>,
): InboundMessage[] {
  const { payload, style } = decodeBody(request);

  const sid = readField(payload, 'MessageSid', style);
  if (sid === undefined || sid === '') {
    throw new MalformedPayloadError('MessageSid missing', { field: 'MessageSid' });
  }
  if (!SID_SHAPE.test(sid)) {
    throw new UnprocessablePayloadError('MessageSid is not a Twilio SID', { field: 'MessageSid' });
  }

  const statusRaw = readField(payload, 'MessageStatus', style);
  const status = statusRaw?.toLowerCase();
  if (status !== undefined && !STATUS_SHAPE.test(status)) {
    throw new UnprocessablePayloadError('MessageStatus is not a Twilio status', {
      field: 'MessageStatus',
    });
  }
  const isStatusCallback = status !== undefined && status !== 'received';

  const fromRaw = readField(payload, 'From', style);
  if (fromRaw === undefined || fromRaw === '') {
    throw new UnprocessablePayloadError('From missing', { field: 'From' });
  }
  // A status callback's From is our own sender, which may be an alphanumeric sender id; it opens
  // no incident and reaches no query, so it is kept as sent rather than refused.
  const from = twilioAddressToE164(fromRaw) ?? (isStatusCallback ? fromRaw : undefined);
  if (from === undefined) {
    throw new UnprocessablePayloadError('From is not a valid phone number', { field: 'From' });
  }

  const toRaw = readField(payload, 'To', style);
  if (toRaw === undefined || toRaw === '') {
    throw new MalformedPayloadError('To missing', { field: 'To' });
  }
  // Short codes and channel ids are legitimate recipients; keep them as sent.
  const to = twilioAddressToE164(toRaw) ?? toRaw;

  const numMediaRaw = readField(payload, 'NumMedia', style);
  if (numMediaRaw !== undefined && !NUM_MEDIA_SHAPE.test(numMediaRaw)) {
    throw new UnprocessablePayloadError('NumMedia is not a count', { field: 'NumMedia' });
  }
  const numMedia = numMediaRaw === undefined ? 0 : Number(numMediaRaw);
  const media = readMedia(payload, style);

  let kind: MessageKind = 'sms';
  if (isStatusCallback) kind = 'status';
  else if (numMedia > 0 || media.length > 0) kind = 'mms';

  return [
    {
      vendor: TWILIO_VENDOR_NAME,
      // One message gets a callback per status; each distinct status is its own event.
      messageId: isStatusCallback ? `${sid}:${status}` : sid,
      kind,
      from,
      to,
      text: readField(payload, 'Body', style) ?? '',
      media,
      receivedAt: request.receivedAt.toISOString(),
      raw: payload,
    },
  ];
}
