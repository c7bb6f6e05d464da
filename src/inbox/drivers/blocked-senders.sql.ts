import type { BlockedSender } from '../inbox-store.port';

/**
 * Senders held up by a failing message, in SQL both drivers read alike: a sender whose oldest
 * pending message (by seq, the order the worker takes a sender's messages in) has failed at least
 * once, the later pending messages of that sender counted behind it, the oldest blocking message
 * first. `$1` is the limit.
 *
 * Indexes (PostgreSQL migration 5, SQLite inbox migration 5): the failing pending messages are a
 * partial index of their own, small however large the backlog, read in (received_at, seq) order;
 * "older pending message of the same sender" and "pending messages behind it" are range reads of
 * a partial (sender, seq) index of pending messages. Never a walk through every pending message
 * or through a sender's delivered history.
 */
export const BLOCKED_SENDERS_INDEXES = `
CREATE INDEX inbox_messages_failing ON inbox_messages (received_at, seq)
  WHERE state = 'pending' AND attempts > 0;
CREATE INDEX inbox_messages_sender_pending ON inbox_messages (sender, seq)
  WHERE state = 'pending';
`;

/**
 * `dialect` sqlite names the failing index (INDEXED BY): without statistics SQLite would rather
 * walk the state index in order through every pending message, checking attempts row by row.
 */
export function blockedSendersStatement(
  limitPlaceholder: string,
  dialect: 'sqlite' | 'postgres',
): string {
  const from =
    dialect === 'sqlite'
      ? 'inbox_messages m INDEXED BY inbox_messages_failing'
      : 'inbox_messages m';
  return `
SELECT m.seq, m.vendor, m.message_id, m.sender, m.attempts, m.next_attempt_at, m.last_error,
  m.received_at,
  (SELECT count(*) FROM inbox_messages w
    WHERE w.sender = m.sender AND w.state = 'pending' AND w.seq > m.seq) AS waiting
FROM ${from}
WHERE m.state = 'pending' AND m.attempts > 0
  AND NOT EXISTS (SELECT 1 FROM inbox_messages e
    WHERE e.sender = m.sender AND e.state = 'pending' AND e.seq < m.seq)
ORDER BY m.received_at, m.seq
LIMIT ${limitPlaceholder}`;
}

/** A row of the statement; PostgreSQL returns BIGINT and count(*) as text. */
export interface BlockedSenderRow {
  seq: number | string;
  vendor: string;
  message_id: string;
  sender: string;
  attempts: number;
  next_attempt_at: number | string;
  last_error: string | null;
  received_at: number | string;
  waiting: number | string;
}

export function toBlockedSender(row: BlockedSenderRow): BlockedSender {
  return {
    sender: row.sender,
    blocking: {
      seq: Number(row.seq),
      vendor: row.vendor,
      messageId: row.message_id,
      attempts: row.attempts,
      nextAttemptAt: Number(row.next_attempt_at),
      receivedAt: Number(row.received_at),
      ...(row.last_error === null ? {} : { lastError: JSON.parse(row.last_error) as unknown }),
    },
    waiting: Number(row.waiting),
  };
}
