import type { InboundMessage } from '../../messages/inbound-message';
import { isoTime, optionalString, parseJsonBody, requiredE164, requiredString } from '../kit/payload';
import type { WebhookRequest } from '../webhook-vendor';
import { __NAME___VENDOR_NAME } from './__name__.constants';

/**
 * TODO(vendor): the template's payload, `{ "id", "from", "to", "text", "timestamp" }`. Map the
 * vendor's real payload; name the field (and item, for batches) in every error.
 */
export function parse__Name__Payload(request: Pick<WebhookRequest, 'rawBody' | 'receivedAt'>): InboundMessage[] {
  const payload = parseJsonBody(request, 'object');
  // @send-begin
  // TODO(vendor): the template's delivery receipt, `{ id, messageId, status, errorCode?, from, to }`.
  if (payload.status !== undefined) {
    const status = requiredString(payload.status, 'status').toLowerCase();
    return [
      {
        vendor: __NAME___VENDOR_NAME,
        // One message gets a receipt per status; each distinct status is its own event.
        messageId: `${requiredString(payload.messageId, 'messageId')}:${status}`,
        kind: 'status',
        from: requiredString(payload.from, 'from'),
        to: requiredString(payload.to, 'to'),
        text: '',
        media: [],
        receivedAt: isoTime(payload.timestamp, request.receivedAt),
        raw: payload,
      },
    ];
  }
  // @send-end
  return [
    {
      vendor: __NAME___VENDOR_NAME,
      messageId: requiredString(payload.id, 'id'),
      kind: 'sms',
      from: requiredE164(payload.from, 'from'),
      to: requiredE164(payload.to, 'to'),
      text: optionalString(payload.text, 'text') ?? '',
      media: [],
      receivedAt: isoTime(payload.timestamp, request.receivedAt),
      raw: payload,
    },
  ];
}
