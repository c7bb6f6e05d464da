import type { AttemptOutcome, HistoryEntry } from '../inbox/attempt-history';
import type { LoggedMessage, MessageLogState } from '../inbox/inbox-store.port';
import type { InboundMessage } from '../messages/inbound-message';

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

/** One HTTP call of an attempt: to B2C (path relative to Connect REST) or a vendor's send API. */
export interface AttemptCallView {
  method: string;
  path: string;
  startedAt: string;
  durationMs: number;
  /** Null when no answer came (timeout, connection refused). */
  status: number | null;
  /** Oracle's `o:errorCode` of a B2C error answer. */
  errorCode: string | null;
}

/** One entry of a message's history: a delivery attempt, or an admin's replay. */
export interface AttemptView {
  kind: 'attempt' | 'replay';
  /** The attempt's number (1 = first since the last replay); null for a replay. */
  attempt: number | null;
  startedAt: string;
  durationMs: number;
  outcome: AttemptOutcome | 'replayed';
  error: string | null;
  /** The admin who replayed it (kind `replay`). */
  by: string | null;
  calls: AttemptCallView[];
  /** Earlier calls of the attempt not kept (only the latest are). */
  callsOmitted: number;
}

/** One message's story so far, with its attempt history. */
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
  /**
   * Its attempt history, oldest first (the latest entries, up to the store's bound). Not named
   * `attempts`: that is the count of failed attempts, as in the list.
   */
  history: AttemptView[];
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

export function toAttemptView(entry: HistoryEntry): AttemptView {
  if (entry.kind === 'replay') {
    return {
      kind: 'replay',
      attempt: null,
      startedAt: iso(entry.at),
      durationMs: 0,
      outcome: 'replayed',
      error: null,
      by: entry.by,
      calls: [],
      callsOmitted: 0,
    };
  }
  return {
    kind: 'attempt',
    attempt: entry.attempt,
    startedAt: iso(entry.startedAt),
    durationMs: entry.durationMs,
    outcome: entry.outcome,
    error: entry.error ?? null,
    by: null,
    calls: entry.calls.map((call) => ({
      method: call.method,
      path: call.path,
      startedAt: iso(call.startedAt),
      durationMs: call.durationMs,
      status: call.status ?? null,
      errorCode: call.errorCode ?? null,
    })),
    callsOmitted: entry.callsOmitted ?? 0,
  };
}

export function toDetail(
  stored: LoggedMessage,
  now: number,
  history: readonly HistoryEntry[] = [],
): MessageDetail {
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
    history: history.map(toAttemptView),
  };
}
