import type { LoggedMessage, MessageLogState } from '../inbox/inbox-store.port';
import type { InboundMessage } from '../vendors/inbound-message';

/** One line of the message log. */
export interface MessageSummary {
  /** The inbox sequence number: what `GET /admin/messages/:id` and replay take. */
  id: number;
  vendor: string;
  messageId: string;
  kind: InboundMessage['kind'];
  state: MessageLogState;
  /** The customer's number (for an agent's reply, the number it goes to). */
  sender: string;
  received: string;
  updated: string;
  attempts: number;
  /** Times the vendor sent it again after it was held. */
  duplicates: number;
  incidentId: number | null;
}

/** One message's story so far (its attempt history is another route's). */
export interface MessageDetail extends MessageSummary {
  contactId: number | null;
  /** When the next attempt is due, while the message is pending. */
  nextAttempt: string | null;
  /** While delivering: when the process's lease ends unless it renews it. */
  leaseExpires: string | null;
  lastError: unknown;
  /** How far delivery got: B2C ids made, steps attempted (a replay resumes from here). */
  checkpoint: LoggedMessage['checkpoint'];
  /** The message as the vendor's adapter normalized it. */
  normalized: Omit<InboundMessage, 'raw'>;
  /** The vendor's payload as received. */
  raw: unknown;
}

/** `pending` under a lease that has not run out is being delivered now. */
export function logState(stored: LoggedMessage, now: number): MessageLogState {
  return stored.state === 'pending' &&
    stored.leaseExpiresAt !== undefined &&
    stored.leaseExpiresAt > now
    ? 'delivering'
    : stored.state;
}

const iso = (epochMs: number) => new Date(epochMs).toISOString();

export function toSummary(stored: LoggedMessage, now: number): MessageSummary {
  return {
    id: stored.seq,
    vendor: stored.message.vendor,
    messageId: stored.message.messageId,
    kind: stored.message.kind,
    state: logState(stored, now),
    sender: stored.sender,
    received: iso(stored.receivedAt),
    updated: iso(stored.updatedAt),
    attempts: stored.attempts,
    duplicates: stored.duplicates,
    incidentId: stored.incidentId ?? null,
  };
}

export function toDetail(stored: LoggedMessage, now: number): MessageDetail {
  const summary = toSummary(stored, now);
  const { raw, ...normalized } = stored.message;
  return {
    ...summary,
    contactId: stored.checkpoint.contactId ?? null,
    nextAttempt: stored.state === 'pending' ? iso(stored.nextAttemptAt) : null,
    leaseExpires:
      summary.state === 'delivering' && stored.leaseExpiresAt !== undefined
        ? iso(stored.leaseExpiresAt)
        : null,
    lastError: stored.lastError ?? null,
    checkpoint: stored.checkpoint,
    normalized,
    raw,
  };
}
