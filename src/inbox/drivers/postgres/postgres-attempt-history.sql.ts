import { ATTEMPT_COLUMNS } from '../../attempt-history';
import { DEAD_LETTER, MARK_DELIVERED, RELEASE, SCHEDULE_RETRY } from './postgres-inbox.sql';

/**
 * The attempt history's statements on PostgreSQL. An attempt's entry rides on the fenced
 * statement that ends its lease (postgres-inbox.sql.ts): one more CTE inserts it from that
 * statement's `ended` rows, so it is written exactly when the outcome is, in the same statement.
 * The trim CTE sees the table as it was before the statement (all CTEs share one snapshot): it
 * keeps the newest `keep - 1` older entries, and with the new one that makes `keep`.
 */

const ENDING = 'SELECT seq FROM ended';

/** Older entries of `seqs` (a set of rows with a `seq` column) beyond the newest keep-1. */
function trimOlder(seqs: string, keep: string): string {
  return `
DELETE FROM delivery_attempts d USING ${seqs} t
WHERE d.seq = t.seq AND d.id <= (
  SELECT x.id FROM delivery_attempts x WHERE x.seq = t.seq
  ORDER BY x.id DESC OFFSET ${keep} - 1 LIMIT 1)`;
}

/**
 * `statement` (a lease-ending statement, parameters $1 seq and $2 token, then `params` of its
 * own) with the attempt's entry recorded when it ends the lease. The entry's values follow the
 * statement's own: ATTEMPT_COLUMNS in order, then how many entries to keep.
 */
export function recordingAttempt(statement: string, params: number): string {
  const text = statement.trimEnd();
  if (!text.endsWith(ENDING)) {
    throw new Error('recordingAttempt: not a lease-ending statement (see endLease)');
  }
  const casts = ['int', 'bigint', 'int', 'text', 'text', 'text', 'int'];
  const values = casts.map((cast, i) => `$${params + 1 + i}::${cast}`).join(', ');
  const keep = `$${params + 1 + casts.length}::int`;
  return `${text.slice(0, -ENDING.length).trimEnd()},
recorded AS (
  INSERT INTO delivery_attempts (seq, kind, ${ATTEMPT_COLUMNS.join(', ')})
  SELECT seq, 'attempt', ${values} FROM ended
), trimmed AS (${trimOlder('ended', keep)}
)
${ENDING}`;
}

/**
 * `requeue` (an UPDATE of dead messages, with `params` parameters) recording a replay by $n+1
 * at $n+2 for each message it requeues, keeping $n+3 entries; returns how many it requeued.
 */
export function recordingReplay(requeue: string, params: number): string {
  const by = `$${params + 1}::text`;
  const at = `$${params + 2}::bigint`;
  const keep = `$${params + 3}::int`;
  return `
WITH requeued AS (${requeue.trim()} RETURNING seq),
recorded AS (
  INSERT INTO delivery_attempts (seq, kind, started_at, outcome, actor)
  SELECT seq, 'replay', ${at}, 'replayed', ${by} FROM requeued
), trimmed AS (${trimOlder('requeued', keep)}
)
SELECT count(*)::int AS n FROM requeued`;
}

/** $1 seq, $2 limit: the last entries, oldest first. */
export const HISTORY = `
SELECT * FROM (
  SELECT id, kind, attempt, started_at, duration_ms, outcome, error, actor, calls, calls_omitted
  FROM delivery_attempts WHERE seq = $1 ORDER BY id DESC LIMIT $2
) last ORDER BY id`;

/** The lease-ending writes with an attempt's entry: each statement's own parameter count. */
export const MARK_DELIVERED_RECORDING = recordingAttempt(MARK_DELIVERED, 6);
export const SCHEDULE_RETRY_RECORDING = recordingAttempt(SCHEDULE_RETRY, 6);
export const DEAD_LETTER_RECORDING = recordingAttempt(DEAD_LETTER, 5);
export const RELEASE_RECORDING = recordingAttempt(RELEASE, 2);
