/** What every vendor adapter produces: one normalized message per vendor event. */
export const MESSAGE_KINDS = ['sms', 'mms', 'voice', 'voicemail', 'status'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/**
 * Not from a vendor: an agent's response the gateway will send as an SMS. It goes through the
 * inbox like a webhook's message (leases, retries, dead letters, replay), with `from` our number
 * and `to` the customer. Vendor adapters cannot produce it (validation allows MESSAGE_KINDS only).
 */
export const REPLY_KIND = 'reply';

export interface MediaRef {
  url: string;
  contentType?: string;
}

export interface InboundMessage {
  /** Registered vendor name, e.g. 'twilio'. */
  vendor: string;
  /** The vendor's own id for this event: the idempotency key together with `vendor`. */
  messageId: string;
  kind: MessageKind | typeof REPLY_KIND;
  /**
   * E.164, validated and normalized by the adapter. Only for kind 'status' (which opens no
   * incident) may it be the sender as sent, e.g. an alphanumeric sender id.
   */
  from: string;
  /** E.164 where the vendor gives a phone number; otherwise the vendor's address as sent. */
  to: string;
  text: string;
  media: MediaRef[];
  /** ISO 8601. */
  receivedAt: string;
  /** The vendor's payload as received (parsed), kept for the incident note. */
  raw: unknown;
  /**
   * W3C `traceparent` of the webhook's span, when tracing is on: each delivery's trace links to
   * it. Not part of the message's identity (dedupe is on vendor and messageId).
   */
  traceparent?: string;
}

/**
 * Whose messages are delivered one at a time, in order: the customer's, whichever way they go
 * (their texts in, the agents' replies out), so a STOP is handled before a later reply.
 */
export function conversationParty(message: Pick<InboundMessage, 'kind' | 'from' | 'to'>): string {
  return message.kind === REPLY_KIND ? message.to : message.from;
}
