import type { AttemptRecord } from '../../attempt-history';
import type { MessageFilter, MessagePosition, MessageState } from '../../inbox-store.port';

/** What fences a delivery write: the message and the token its claim took. */
export interface LeaseRef {
  seq: number;
  token: number;
}

/**
 * Writes the main thread queues; one batch of them is one transaction (one fsync). `attempt` on
 * a write that ends a lease is recorded in the attempt history when (and only when) the fenced
 * write is made; `replayedBy` on a requeue records a replay for each message it requeues.
 */
export type InboxWrite =
  | {
      op: 'insert';
      rows: { vendor: string; messageId: string; sender: string; payload: string }[];
      replay?: { key: string; expiresAt: number };
      now: number;
    }
  | { op: 'claim'; owner: string; limit: number; leaseMs: number; now: number }
  | { op: 'renew'; lease: LeaseRef; expiresAt: number; now: number }
  | { op: 'release'; lease: LeaseRef; attempt?: AttemptRecord; now: number }
  | {
      op: 'checkpoint';
      lease: LeaseRef;
      checkpoint: string;
      incidentId: number | null;
      now: number;
    }
  | {
      op: 'finish';
      lease: LeaseRef;
      state: 'delivered' | 'skipped';
      checkpoint: string;
      incidentId: number | null;
      attempt?: AttemptRecord;
      now: number;
    }
  | {
      op: 'retry';
      lease: LeaseRef;
      attempts: number;
      at: number;
      error: string;
      attempt?: AttemptRecord;
      now: number;
    }
  | {
      op: 'dead';
      lease: LeaseRef;
      attempts: number;
      error: string;
      attempt?: AttemptRecord;
      now: number;
    }
  | { op: 'requeue'; seq?: number; vendor?: string; replayedBy?: string; now: number }
  | { op: 'requeueSeqs'; seqs: readonly number[]; replayedBy?: string; now: number }
  | { op: 'requeueMatching'; filter: MessageFilter; replayedBy?: string; now: number }
  | { op: 'probe'; now: number };

export type InboxQuery =
  | { op: 'nextDue' }
  | { op: 'get'; vendor: string; messageId: string }
  | { op: 'list'; state: MessageState; limit: number; afterSeq: number }
  | {
      op: 'search';
      filter: MessageFilter;
      limit: number;
      after?: MessagePosition;
      now: number;
    }
  | { op: 'find'; seq: number }
  | { op: 'history'; seq: number; limit: number }
  | { op: 'counts' }
  | { op: 'count'; state: MessageState }
  | { op: 'blockedSenders'; limit: number }
  | { op: 'pragma'; pragma: string };

/** A row as stored; JSON columns are parsed on the main thread, where they are used. */
export interface MessageRow {
  seq: number;
  payload: string;
  state: MessageState;
  attempts: number;
  next_attempt_at: number;
  checkpoint: string;
  last_error: string | null;
  received_at: number;
  updated_at: number;
  sender: string;
  lease_owner: string | null;
  lease_token: number;
  lease_expires_at: number | null;
  duplicates: number;
  incident_id: number | null;
}

export type ThreadRequest =
  | { id: number; kind: 'commit'; writes: InboxWrite[] }
  | { id: number; kind: 'query'; query: InboxQuery }
  | { id: number; kind: 'close' };

export interface ThreadError {
  name: string;
  message: string;
  code?: string;
}

export type ThreadReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: ThreadError }
  /** Sent once the database is open (id 0), or why it could not be opened. */
  | { id: 0; ready: true }
  | { id: 0; ready: false; error: ThreadError };

export interface ThreadOptions {
  file: string;
}
