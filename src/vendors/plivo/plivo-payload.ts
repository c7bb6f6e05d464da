import { UnprocessablePayloadError } from '../../common/problem/gateway-error';
import type { InboundMessage, MediaRef } from '../../messages/inbound-message';
import { requiredE164, requiredString } from '../kit/payload';
import { toE164 } from '../../messages/phone-number';
import { decodeSingleValuedForm } from '../kit/form-body';
import type { WebhookRequest } from '../webhook-vendor';
import { PLIVO_VENDOR_NAME } from './plivo.constants';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `queued`, `sent`, `delivered`, `undelivered`, `failed`, `read`, ... */
const STATUS_SHAPE = /^[a-z][a-z_]{0,39}$/;
/** Plivo names MMS media `Media0`, `Media1`, ... (older payloads `MediaUrl0`). */
const MEDIA_NAME = /^Media(?:Url)?(\d{1,2})$/;
const HTTP_URL = /^https?:\/\/\S+$/i;

type Params = Readonly<Record<string, string>>;

/** A number Plivo sends without '+' as E.164, or the address as sent (short code, sender id). */
function addressOrAsSent(value: string): string {
  return (/^\d{6,15}$/.test(value) ? toE164(`+${value}`) : toE164(value)) ?? value;
}

function messageUuid(params: Params): string {
  const uuid = requiredString(params.MessageUUID, 'MessageUUID');
  if (!UUID.test(uuid)) {
    throw new UnprocessablePayloadError('MessageUUID is not a UUID', { field: 'MessageUUID' });
  }
  return uuid;
}

function mediaOf(params: Params): MediaRef[] {
  const indexed: [number, MediaRef][] = [];
  for (const [name, url] of Object.entries(params)) {
    const match = MEDIA_NAME.exec(name);
    if (!match) continue;
    if (!HTTP_URL.test(url)) {
      throw new UnprocessablePayloadError(`${name} is not an http(s) URL`, { field: name });
    }
    const contentType = params[`MediaContentType${match[1]}`];
    indexed.push([Number(match[1]), contentType ? { url, contentType } : { url }]);
  }
  return indexed.sort((a, b) => a[0] - b[0]).map(([, media]) => media);
}

function statusMessage(params: Params, receivedAt: Date): InboundMessage {
  const status = requiredString(params.Status, 'Status').toLowerCase();
  if (!STATUS_SHAPE.test(status)) {
    throw new UnprocessablePayloadError('Status is not a Plivo status', { field: 'Status' });
  }
  return {
    vendor: PLIVO_VENDOR_NAME,
    // One message gets a callback per status; each distinct status is its own event.
    messageId: `${messageUuid(params)}:${status}`,
    kind: 'status',
    from: requiredString(params.From, 'From'),
    to: addressOrAsSent(requiredString(params.To, 'To')),
    text: '',
    media: [],
    receivedAt: receivedAt.toISOString(),
    raw: params,
  };
}

/**
 * One Plivo message webhook as one message: an inbound SMS or MMS, or a message status callback
 * (it has `Status`) as a `status`.
 */
export function parsePlivoPayload(
  request: Pick<WebhookRequest, 'rawBody' | 'receivedAt'>,
): InboundMessage[] {
  // Plivo never repeats a parameter.
  const params = decodeSingleValuedForm(request.rawBody);
  if (params.Status !== undefined) return [statusMessage(params, request.receivedAt)];
  const messageId = messageUuid(params);
  const from = requiredE164(params.From, 'From', true);
  const to = addressOrAsSent(requiredString(params.To, 'To'));
  const media = mediaOf(params);
  const type = params.Type?.toLowerCase();
  return [
    {
      vendor: PLIVO_VENDOR_NAME,
      messageId,
      kind: type === 'mms' || media.length > 0 ? 'mms' : 'sms',
      from,
      to,
      text: params.Text ?? '',
      media,
      receivedAt: request.receivedAt.toISOString(),
      raw: params,
    },
  ];
}
