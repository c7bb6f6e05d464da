import type { InboundMessage } from '../../messages/inbound-message';
import {
  isoTime,
  optionalString,
  parseJsonBody,
  requiredE164,
  requiredString,
} from '../kit/payload';
import { requiredHeader } from '../kit/verification';
import { toE164 } from '../../messages/phone-number';
import type { WebhookRequest } from '../webhook-vendor';
import { pointerLabel, resolvePointer } from './json-pointer';
import { STANDARD_WEBHOOKS_VENDOR_NAME, WEBHOOK_ID_HEADER } from './standard-webhooks.constants';
import type { StandardWebhooksSettings } from './standard-webhooks.settings';

type PayloadSettings = Pick<
  StandardWebhooksSettings,
  'fromPointer' | 'toPointer' | 'textPointer' | 'messageTypes'
>;

/**
 * A Standard Webhooks payload as one SMS: the spec fixes the envelope (`type`, `timestamp`,
 * `data`) but not the event's fields, so where sender, recipient and text are is configured as
 * JSON Pointers. The message id is `webhook-id`, which the spec makes the idempotency key: the
 * same event retried carries the same id. Events whose `type` is not listed in `messageTypes`
 * (when it is set) are acknowledged and not stored.
 */
export function parseStandardWebhooksPayload(
  request: Pick<WebhookRequest, 'rawBody' | 'receivedAt' | 'headers'>,
  settings: PayloadSettings,
): InboundMessage[] {
  const payload = parseJsonBody(request, 'object');
  if (settings.messageTypes !== undefined) {
    const type = optionalString(payload.type, 'type');
    if (type === undefined || !settings.messageTypes.includes(type)) return [];
  }
  const at = (pointer: string) => resolvePointer(payload, pointer);
  const from = requiredE164(at(settings.fromPointer), pointerLabel(settings.fromPointer));
  const to = requiredString(at(settings.toPointer), pointerLabel(settings.toPointer)).trim();
  return [
    {
      vendor: STANDARD_WEBHOOKS_VENDOR_NAME,
      messageId: requiredHeader(request, WEBHOOK_ID_HEADER),
      kind: 'sms',
      from,
      to: toE164(to) ?? to,
      text: optionalString(at(settings.textPointer), pointerLabel(settings.textPointer)) ?? '',
      media: [],
      receivedAt: isoTime(payload.timestamp, request.receivedAt),
      raw: payload,
    },
  ];
}
