import { MalformedPayloadError } from '../../common/problem/gateway-error';
import type { InboundMessage, MediaRef } from '../../messages/inbound-message';
import {
  isoTime,
  optionalString,
  parseJsonBody,
  requiredE164,
  requiredObject,
  requiredString,
} from '../kit/payload';
import { toE164 } from '../../messages/phone-number';
import type { WebhookRequest } from '../webhook-vendor';
import {
  BANDWIDTH_MESSAGE_RECEIVED,
  BANDWIDTH_STATUS_TYPES,
  BANDWIDTH_VENDOR_NAME,
} from './bandwidth.constants';

function media(value: unknown, where: string): MediaRef[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new MalformedPayloadError(`${where} must be an array`);
  return value.map((url, index) => ({ url: requiredString(url, `${where}[${index}]`) }));
}

/** One callback item as a message; undefined for callback types that carry nothing for us. */
function parseItem(item: unknown, index: number, receivedAt: Date): InboundMessage | undefined {
  const at = `[${index}]`;
  const callback = requiredObject(item, at);
  const type = requiredString(callback.type, `${at}.type`);
  const isMessage = type === BANDWIDTH_MESSAGE_RECEIVED;
  if (!isMessage && !BANDWIDTH_STATUS_TYPES.includes(type)) return undefined;
  const message = requiredObject(callback.message, `${at}.message`);
  const id = requiredString(message.id, `${at}.message.id`);
  // `to` of the callback is the number it concerns; `message.to` lists every recipient (group).
  const to = requiredString(callback.to, `${at}.to`);
  if (!isMessage) {
    return {
      vendor: BANDWIDTH_VENDOR_NAME,
      // One stored status per message and state, so a later "delivered" is not a duplicate.
      messageId: `${id}:${type}`,
      kind: 'status',
      from: requiredString(message.from, `${at}.message.from`),
      to: toE164(to) ?? to,
      text: optionalString(callback.description, `${at}.description`) ?? type,
      media: [],
      receivedAt: isoTime(callback.time, receivedAt),
      raw: callback,
    };
  }
  const attachments = media(message.media, `${at}.message.media`);
  return {
    vendor: BANDWIDTH_VENDOR_NAME,
    messageId: id,
    kind: attachments.length > 0 ? 'mms' : 'sms',
    from: requiredE164(message.from, `${at}.message.from`),
    to: requiredE164(to, `${at}.to`),
    text: optionalString(message.text, `${at}.message.text`) ?? '',
    media: attachments,
    receivedAt: isoTime(message.time ?? callback.time, receivedAt),
    raw: callback,
  };
}

/**
 * Bandwidth's callback body is a JSON array of events. Every `message-received` becomes a
 * message and every sending/delivered/failed a status; other types are acknowledged and
 * skipped. One malformed item refuses the whole batch, naming its index, so Bandwidth retries
 * the batch instead of half of it being stored.
 */
export function parseBandwidthPayload(
  request: Pick<WebhookRequest, 'rawBody' | 'receivedAt'>,
): InboundMessage[] {
  const items = parseJsonBody(request, 'array');
  return items
    .map((item, index) => parseItem(item, index, request.receivedAt))
    .filter((message): message is InboundMessage => message !== undefined);
}
