import type { QueryResult, QueryResultRow } from 'pg';
import type { PostgresDatabase } from '../../../storage/postgres/postgres-database';
import type { AcceptResult, ReplayClaim } from '../../inbox-store.port';
import { keyText } from './postgres-inbox.rows';
import {
  CLAIM_REPLAYS,
  FORGET_REPLAYS,
  INSERT_MESSAGES,
  PROBE,
  WAKE_CHANNEL,
} from './postgres-inbox.sql';

export interface AcceptRow {
  vendor: string;
  messageId: string;
  sender: string;
  payload: string;
}

/** What the group committer queues; one batch of them is one transaction. */
export type InboxWrite =
  | { op: 'accept'; rows: AcceptRow[]; replay?: ReplayClaim; now: number }
  | { op: 'probe'; now: number };

type AcceptWrite = Extract<InboxWrite, { op: 'accept' }>;

export type WriteResult = AcceptResult['outcomes'] | 'replayed' | null;

export interface BatchResult {
  results: WriteResult[];
  /** Messages newly stored by the batch: listeners are woken when there are any. */
  stored: number;
}

/** The pool or a client in a transaction. */
interface Queryable {
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

/** Expired replay keys forgotten per claim, as the SQLite driver does. */
const FORGET_PER_CLAIM = 8;
/** Deadlock, serialization failure: the statement may simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 4;

/**
 * Commits a group with as few round trips as it allows. A group of plain accepts (the usual
 * case) is one INSERT statement, atomic on its own, so it needs no BEGIN and COMMIT; with replay
 * keys or a probe it is a transaction of a few statements. The wake-up notification is part of
 * the insert and reaches every listening process when the group commits.
 */
export async function commitBatch(
  db: PostgresDatabase,
  writes: readonly InboxWrite[],
  wakePayload: string,
): Promise<BatchResult> {
  const accepts = writes.filter((write): write is AcceptWrite => write.op === 'accept');
  if (accepts.length === writes.length && accepts.every((write) => !write.replay)) {
    return retried(() => insertMessages(db, accepts, wakePayload));
  }
  return db.transaction(async (client) => {
    const replayed = await claimReplayKeys(client, writes);
    const accepting = writes.flatMap((write, index) =>
      write.op === 'accept' && !replayed.has(index) ? [{ write, index }] : [],
    );
    const inserted = await insertMessages(
      client,
      accepting.map(({ write }) => write),
      wakePayload,
    );
    const results: WriteResult[] = writes.map((_, index) =>
      replayed.has(index) ? 'replayed' : null,
    );
    accepting.forEach(({ index }, position) => (results[index] = inserted.results[position]));
    const probes = writes.filter((write) => write.op === 'probe');
    if (probes.length > 0) {
      await client.query(PROBE, [Math.max(...probes.map((write) => write.now))]);
    }
    return { results, stored: inserted.stored };
  });
}

async function retried<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (!(typeof code === 'string' && RETRYABLE.has(code)) || attempt >= ATTEMPTS) throw error;
    }
  }
}

/**
 * Claims every replay key of the batch in one statement and returns the indexes of the writes
 * refused as replays. A key used twice in one batch is claimed by its first write; the later
 * ones are replays of it, as they would be one commit later.
 */
async function claimReplayKeys(
  client: Queryable,
  writes: readonly InboxWrite[],
): Promise<Set<number>> {
  const claims = writes.flatMap((write, index) =>
    write.op === 'accept' && write.replay ? [{ index, replay: write.replay, now: write.now }] : [],
  );
  const replayed = new Set<number>();
  if (claims.length === 0) return replayed;
  // The earliest clock reading of the batch: a key is never treated as expired too early.
  const now = Math.min(...claims.map((claim) => claim.now));
  await client.query(FORGET_REPLAYS, [now, FORGET_PER_CLAIM * claims.length]);
  const firstExpiry = new Map<string, number>();
  for (const { replay } of claims) {
    const key = keyText(replay.key);
    if (!firstExpiry.has(key)) firstExpiry.set(key, replay.expiresAt);
  }
  const { rows } = await client.query<{ key: string }>(CLAIM_REPLAYS, [
    [...firstExpiry.keys()],
    [...firstExpiry.values()],
    now,
  ]);
  const unused = new Set(rows.map((row) => row.key));
  for (const { index, replay } of claims) {
    if (!unused.delete(keyText(replay.key))) replayed.add(index);
  }
  return replayed;
}

/**
 * One multi-row insert of the group's distinct messages. A message the group holds more than
 * once is inserted once, its other copies counted as duplicates; one already in the table gets
 * every copy counted. RETURNING names each distinct message and whether this statement inserted
 * it; the first occurrence of each in batch order is the one that was stored.
 */
async function insertMessages(
  client: Queryable,
  writes: readonly AcceptWrite[],
  wakePayload: string,
): Promise<BatchResult> {
  const vendors: string[] = [];
  const ids: string[] = [];
  const senders: string[] = [];
  const payloads: string[] = [];
  const times: number[] = [];
  const extras: number[] = [];
  /** Position of each distinct message in the arrays above, by key. */
  const positions = new Map<string, number>();
  const keys = writes.map((write) =>
    write.rows.map((row) => {
      const vendor = keyText(row.vendor);
      const id = keyText(row.messageId);
      // U+0000 cannot be in a stored key (see keyText), so it separates vendor and id safely.
      const key = `${vendor}\u0000${id}`;
      const position = positions.get(key);
      if (position !== undefined) {
        extras[position] += 1;
        return key;
      }
      positions.set(key, ids.length);
      vendors.push(vendor);
      ids.push(id);
      senders.push(keyText(row.sender));
      payloads.push(row.payload);
      times.push(write.now);
      extras.push(0);
      return key;
    }),
  );
  if (ids.length === 0) return { results: writes.map(() => []), stored: 0 };
  const { rows } = await client.query<{ vendor: string; message_id: string; inserted: boolean }>(
    INSERT_MESSAGES,
    [vendors, ids, senders, JSON.stringify(payloads), times, WAKE_CHANNEL, wakePayload, extras],
  );
  const inserted = new Set(
    rows.filter((row) => row.inserted).map((row) => `${row.vendor}\u0000${row.message_id}`),
  );
  const results = keys.map((writeKeys) =>
    writeKeys.map((key) => (inserted.delete(key) ? ('stored' as const) : ('duplicate' as const))),
  );
  return { results, stored: rows.filter((row) => row.inserted).length };
}
