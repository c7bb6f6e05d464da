import type { StoredMessage } from '../inbox/inbox-store.port';

/** A dead letter as admins see it: what arrived, why it died, and how far delivery had got. */
export interface DeadLetterView {
  /** The inbox sequence number: what the replay route takes. */
  id: number;
  vendor: string;
  messageId: string;
  attempts: number;
  storedAt: string;
  diedAt: string;
  lastError: unknown;
  /** B2C ids already made (contact, incident), which a replay reuses instead of creating. */
  checkpoint: StoredMessage['checkpoint'];
  message: StoredMessage['message'];
}

export function toDeadLetterView(stored: StoredMessage): DeadLetterView {
  return {
    id: stored.seq,
    vendor: stored.message.vendor,
    messageId: stored.message.messageId,
    attempts: stored.attempts,
    storedAt: new Date(stored.receivedAt).toISOString(),
    diedAt: new Date(stored.updatedAt).toISOString(),
    lastError: stored.lastError ?? null,
    checkpoint: stored.checkpoint,
    message: stored.message,
  };
}
