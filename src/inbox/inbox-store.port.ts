import type { InboundMessage } from '../messages/inbound-message';
import type { AttemptRecord, HistoryEntry } from './attempt-history';

/** Progress of one message towards B2C, saved after each step so a retry never repeats one. */
export interface DeliveryCheckpoint {
  contactId?: number;
  /** Set (epoch ms) before an incident create is sent: a later attempt must look before creating. */
  incidentAttemptedAt?: number;
  incidentId?: number;
  /**
   * Follow-ups (`conversations.followUps: thread-while-open`): the open incident this text
   * joins, or null when it opens a new one. Decided once, so a retry does not decide again.
   */
  joinIncidentId?: number | null;
  /** Set before the thread append is sent: a later attempt looks for it before sending again. */
  appendAttemptedAt?: number;
  /** Notes for the agent, by purpose (e.g. `opt-out`): when each was attempted and when done. */
  notes?: Record<string, { attemptedAt?: number; doneAt?: number }>;
  /** Replies: set before the vendor's send API is called; cleared when its outcome is known. */
  sendAttemptedAt?: number;
  /** Replies: what the vendor answered. */
  sent?: { vendorMessageId: string; status: string; segments: number; cut: boolean };
  /** Replies: the vendor refused the message for good, or the customer had opted out. */
  notSent?: { reason: string; code?: string; status?: number };
}

export type MessageState = 'pending' | 'delivered' | 'skipped' | 'dead';

export interface StoredMessage {
  seq: number;
  message: InboundMessage;
  state: MessageState;
  attempts: number;
  nextAttemptAt: number;
  checkpoint: DeliveryCheckpoint;
  lastError?: unknown;
  receivedAt: number;
  updatedAt: number;
}

export interface AcceptResult {
  /** Per message, in order: newly stored, or already held (a vendor retry). */
  outcomes: ('stored' | 'duplicate')[];
  /** The replay key was already claimed: nothing was stored and `outcomes` is empty. */
  replayed?: boolean;
}

/**
 * A nonce to use up together with a webhook's messages. Expired keys are forgotten, so the
 * memory of nonces is bounded by the rate of webhooks times the TTL.
 */
export interface ReplayClaim {
  key: string;
  /** Epoch ms after which the key may be claimed again. */
  expiresAt: number;
}

export type InboxCounts = Record<MessageState, number>;

/**
 * A sender whose oldest pending message has failed at least once: that message, and how many
 * later pending messages of the sender are behind it (GET /admin/delivery).
 */
export interface BlockedSender {
  sender: string;
  blocking: {
    seq: number;
    vendor: string;
    messageId: string;
    attempts: number;
    nextAttemptAt: number;
    receivedAt: number;
    lastError?: unknown;
  };
  waiting: number;
}

/**
 * Which dead letters to requeue: one by `seq`, every one (of `vendor`), a list of seqs, or every
 * one matching a message-log filter (only dead messages are ever requeued, whatever it says).
 */
export type DeadLetterSelection =
  | { seq: number }
  | { all: true; vendor?: string }
  | { seqs: readonly number[] }
  | { filter: MessageFilter };

/** A message's state as the message log shows it: pending with a live lease is `delivering`. */
export type MessageLogState = MessageState | 'delivering';

/**
 * What the message log searches by; every field narrows (AND). Values are compared as stored:
 * the caller normalizes a phone number to E.164 first.
 */
export interface MessageFilter {
  vendor?: string;
  /** `pending` means pending and not under delivery now; `delivering`, under a live lease. */
  state?: MessageLogState;
  /** Epoch ms, inclusive. */
  receivedFrom?: number;
  /** Epoch ms, exclusive. */
  receivedBefore?: number;
  /** The `sender` column: the customer's number (see conversationParty). */
  sender?: string;
  messageId?: string;
  incidentId?: number;
}

/** Where a page of the message log ends: the next page starts after it (newest first). */
export interface MessagePosition {
  receivedAt: number;
  seq: number;
}

/** A message as the message log shows it: the stored message and its bookkeeping columns. */
export interface LoggedMessage extends StoredMessage {
  sender: string;
  /** Times a vendor sent the message again after it was held (each one deduplicated). */
  duplicates: number;
  /** The B2C incident its checkpoint names, once one is known. */
  incidentId?: number;
  /** Epoch ms a live or stale lease ends; undefined when no process holds the message. */
  leaseExpiresAt?: number;
}

/**
 * A message claimed by one process. `token` fences every write of its delivery: a claim after
 * the lease ended takes a new token, and writes made with the old one are refused.
 */
export interface Lease {
  seq: number;
  sender: string;
  owner: string;
  token: number;
  /** Epoch ms; renew before then, or any process may claim the message. */
  expiresAt: number;
}

export interface ClaimedMessage extends StoredMessage {
  lease: Lease;
}

/**
 * The lease behind a write is no longer held (it ended and another process claimed the message,
 * or the message is no longer pending): the write was not made, and the delivery must stop.
 */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(seq: number) {
    super(`the lease on message ${seq} is no longer held by this process`);
  }
}

/**
 * Durable storage of accepted messages and their delivery state. `accept` resolves only once the
 * messages are committed to stable storage; it rejects with StoreUnavailableError otherwise.
 */
export interface InboxStore {
  /**
   * All messages of one webhook are stored, or none. Deduplicated on (vendor, messageId); a
   * message already held counts one more duplicate, in the same commit. With
   * `replay`, the key is claimed in the same transaction; if it is already claimed, nothing is
   * stored and the result says `replayed`.
   */
  accept(messages: readonly InboundMessage[], replay?: ReplayClaim): Promise<AcceptResult>;
  /**
   * Leases up to `limit` pending messages whose next attempt is due, oldest due first, to
   * `owner` for `leaseMs`. At most one message per sender is leased at a time, across every
   * process on the store: a sender's next message waits until the lease on the one before it is
   * released, finished or expired. A message whose lease expired is claimable again.
   */
  claim(owner: string, limit: number, leaseMs: number): Promise<ClaimedMessage[]>;
  /** Extends a lease still held; throws LeaseLostError when it is not. */
  renew(lease: Lease, leaseMs: number): Promise<Lease>;
  /**
   * Gives a lease up (graceful stop): the message is claimable at once. No-op when not held.
   * Every write that ends a lease records `attempt`, when given, in the message's history in the
   * same transaction (and, being fenced, records nothing when the lease is no longer held).
   */
  release(lease: Lease, attempt?: AttemptRecord): Promise<void>;
  /** Earliest next attempt among pending messages, if any. */
  nextDueAt(): Promise<number | undefined>;
  /** Each write below is fenced by the lease: LeaseLostError when it is no longer held. */
  saveCheckpoint(lease: Lease, checkpoint: DeliveryCheckpoint): Promise<void>;
  /** Ends the message's delivery and its lease. */
  markDelivered(
    lease: Lease,
    state: 'delivered' | 'skipped',
    checkpoint: DeliveryCheckpoint,
    attempt?: AttemptRecord,
  ): Promise<void>;
  /** Ends the lease; the message is due again at `at`. */
  scheduleRetry(
    lease: Lease,
    attempts: number,
    at: number,
    error: unknown,
    attempt?: AttemptRecord,
  ): Promise<void>;
  /** Ends the lease and the message's delivery. */
  deadLetter(
    lease: Lease,
    attempts: number,
    error: unknown,
    attempt?: AttemptRecord,
  ): Promise<void>;
  /**
   * `listener` runs when messages may have become due: accepted or requeued by this process or,
   * on a shared store, by another one. Returns a function that removes it.
   */
  onWake(listener: () => void): () => void;
  get(vendor: string, messageId: string): Promise<StoredMessage | undefined>;
  /**
   * The message log: messages matching `filter`, newest first (by received time, then seq),
   * starting after `after` (the last of the previous page). Every filter is served by an index.
   */
  search(filter: MessageFilter, limit: number, after?: MessagePosition): Promise<LoggedMessage[]>;
  /** One message by its sequence number, for the message log. */
  find(seq: number): Promise<LoggedMessage | undefined>;
  /**
   * The message's attempt history, oldest first: its last `limit` entries (at most
   * HISTORY_PER_MESSAGE are kept). Empty for an unknown message.
   */
  history(seq: number, limit?: number): Promise<HistoryEntry[]>;
  /** Messages in `state` in the order they arrived, starting after `afterSeq` (for paging). */
  list(state: MessageState, limit: number, afterSeq?: number): Promise<StoredMessage[]>;
  /**
   * Dead-lettered messages back to pending, due now, with their attempts reset. Their checkpoints
   * stay, so a replay never repeats a step B2C already took (and looks before creating again
   * when an earlier create may have gone through). One message by `seq`, every dead one (of
   * `vendor`, when given), the dead ones among `seqs`, or the dead ones matching `filter`.
   * Resolves with how many were requeued: 0 when none was dead. With `replayedBy` (the admin's
   * subject), each requeued message's history records the replay, in the same transaction.
   */
  requeueDead(which: DeadLetterSelection, replayedBy?: string): Promise<number>;
  /**
   * Every state's count. It reads every row's index entry (about 60 ms at a million rows, on the
   * thread commits wait on); `count` for one state reads only that state's entries.
   */
  /**
   * Senders whose oldest pending message has failed at least once, oldest such message first, at
   * most `limit`; each with that message and the count of the sender's later pending messages.
   */
  blockedSenders(limit: number): Promise<BlockedSender[]>;
  counts(): Promise<InboxCounts>;
  count(state: MessageState): Promise<number>;
  /** A real write through the commit path: proves the store can still commit. */
  probeWrite(): Promise<void>;
  close(): Promise<void>;
}

export const INBOX_STORE = Symbol('InboxStore');
