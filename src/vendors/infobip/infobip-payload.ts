import type { InboundMessage } from '../inbound-message';
import {
  isObject,
  isoTime,
  optionalString,
  parseJsonBody,
  requiredE164,
  requiredObject,
  requiredString,
} from '../kit/payload';
import { MalformedPayloadError } from '../../common/problem/gateway-error';
import { toE164 } from '../phone-number';
import type { WebhookRequest } from '../webhook-vendor';
import { INFOBIP_VENDOR_NAME } from './infobip.constants';

/** Infobip writes numbers without '+' ("385916242493"); a shortcode recipient stays as sent. */
function recipient(value: unknown, where: string): string {
  const raw = requiredString(value, where).trim();
  return toE164(/^\d{6,15}$/.test(raw) ? `+${raw}` : raw) ?? raw;
}

/**
 * One `results[]` item of an inbound SMS (MO_JSON_2); undefined for a delivery report (an item
 * with a `status` object and no text), which carries nothing to open an incident with.
 */
function parseResult(item: unknown, index: number, receivedAt: Date): InboundMessage | undefined {
  const at = `results[${index}]`;
  const result = requiredObject(item, at);
  if (isObject(result.status) && result.text === undefined) return undefined;
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
 * Infobip's inbound SMS webhook: `{ results: [...], messageCount, pendingMessageCount }`. Every
 * item becomes a message; one malformed item refuses the whole batch, naming it.
 */
export function parseInfobipPayload(
  request: Pick<WebhookRequest, 'rawBody' | 'receivedAt'>,
): InboundMessage[] {
  const body = parseJsonBody(request, 'object');
  if (!Array.isArray(body.results)) throw new MalformedPayloadError('results must be an array');
  return body.results
    .map((item, index) => parseResult(item, index, request.receivedAt))
    .filter((message): message is InboundMessage => message !== undefined);
}
