import type { MessageState } from '../../inbox-store.port';

/** Writes the main thread queues; one batch of them is one transaction (one fsync). */
export type InboxWrite =
  | {
      op: 'insert';
      rows: { vendor: string; messageId: string; payload: string }[];
      replay?: { key: string; expiresAt: number };
      now: number;
    }
  | { op: 'checkpoint'; seq: number; checkpoint: string; now: number }
  | { op: 'finish'; seq: number; state: 'delivered' | 'skipped'; checkpoint: string; now: number }
  | { op: 'retry'; seq: number; attempts: number; at: number; error: string; now: number }
  | { op: 'dead'; seq: number; attempts: number; error: string; now: number }
  | { op: 'requeue'; seq?: number; vendor?: string; now: number }
  | { op: 'probe'; now: number };

export type InboxQuery =
  | { op: 'due'; now: number; limit: number }
  | { op: 'nextDue' }
  | { op: 'get'; vendor: string; messageId: string }
  | { op: 'list'; state: MessageState; limit: number; afterSeq: number }
  | { op: 'counts' }
  | { op: 'count'; state: MessageState }
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
