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
import { MalformedPayloadError } from '../../common/problem/gateway-error';
import { toE164 } from '../../messages/phone-number';
import type { WebhookRequest } from '../webhook-vendor';
import { INFOBIP_VENDOR_NAME } from './infobip.constants';

/** Infobip writes numbers without '+' ("385916242493"); a shortcode recipient stays as sent. */
function recipient(value: unknown, where: string): string {
  const raw = requiredString(value, where).trim();
  return toE164(/^\d{6,15}$/.test(raw) ? `+${raw}` : raw) ?? raw;
}

/**
 * A delivery report item ("Receive outbound SMS message report": `messageId`, `to`, optional
 * `from`, `status` and `error` objects) for a message the gateway sent, as kind `status`. One
 * stored status per message and status name, so a later DELIVERED is not a duplicate.
 */
function deliveryReport(result: JsonObject, at: string, receivedAt: Date): InboundMessage {
  const status = requiredObject(result.status, `${at}.status`);
  const name =
    optionalString(status.name, `${at}.status.name`) ??
    requiredString(status.groupName, `${at}.status.groupName`);
  const from = optionalString(result.from, `${at}.from`);
  return {
    vendor: INFOBIP_VENDOR_NAME,
    messageId: `${requiredString(result.messageId, `${at}.messageId`)}:${name}`,
    kind: 'status',
    // Our sender id as Infobip reports it; absent from some reports.
    from: from === undefined ? '' : recipient(from, `${at}.from`),
    to: recipient(result.to, `${at}.to`),
    text: optionalString(status.description, `${at}.status.description`) ?? name,
    media: [],
    receivedAt: isoTime(result.doneAt, receivedAt),
    raw: result,
  };
}

/**
 * One `results[]` item: an inbound SMS (MO_JSON_2), or a delivery report (an item with a
 * `status` object and no text) as kind `status`, which opens no incident.
 */
function parseResult(item: unknown, index: number, receivedAt: Date): InboundMessage {
  const at = `results[${index}]`;
  const result = requiredObject(item, at);
  if (isObject(result.status) && result.text === undefined) {
    return deliveryReport(result, at, receivedAt);
  }
  return {
    vendor: INFOBIP_VENDOR_NAME,
    messageId: requiredString(result.messageId, `${at}.messageId`),
    kind: 'sms',
    from: requiredE164(result.from, `${at}.from`, true),
    to: recipient(result.to, `${at}.to`),
    text: optionalString(result.text, `${at}.text`) ?? '',
    media: [],
    receivedAt: isoTime(result.receivedAt, receivedAt),
    raw: result,
  };
}

/**
 * Infobip's inbound SMS and delivery report webhooks: `{ results: [...], ... }`. Every item
 * becomes a message; one malformed item refuses the whole batch, naming it.
 */
export function parseInfobipPayload(
  request: Pick<WebhookRequest, 'rawBody' | 'receivedAt'>,
): InboundMessage[] {
  const body = parseJsonBody(request, 'object');
  if (!Array.isArray(body.results)) throw new MalformedPayloadError('results must be an array');
  return body.results.map((item, index) => parseResult(item, index, request.receivedAt));
}
