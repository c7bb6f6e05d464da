/** What every vendor adapter produces: one normalized message per vendor event. */
export const MESSAGE_KINDS = ['sms', 'mms', 'voice', 'voicemail', 'status'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export interface MediaRef {
  url: string;
  contentType?: string;
}

export interface InboundMessage {
  /** Registered vendor name, e.g. 'twilio'. */
  vendor: string;
  /** The vendor's own id for this event: the idempotency key together with `vendor`. */
  messageId: string;
  kind: MessageKind;
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
}
