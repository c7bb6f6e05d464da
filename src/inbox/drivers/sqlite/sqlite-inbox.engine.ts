import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { InboxCounts, MessageState } from '../../inbox-store.port';
import type { InboxQuery, InboxWrite } from './sqlite-inbox.protocol';
import { INBOX_SCHEMA } from './sqlite-inbox.schema';

/** Thrown at start-up when another process holds the inbox file. */
export class InboxLockedError extends Error {
  override name = 'InboxLockedError';
}

/**
 * The synchronous SQLite side of the inbox: WAL with synchronous=FULL, so a commit is on stable
 * storage when it returns, and exclusive locking, so one gateway process owns the file and a
 * second one fails at start instead of delivering the same messages twice. It runs on its own
 * thread (sqlite-inbox.thread.ts) so fsyncs never stall the event loop that answers vendors.
 */
export class SqliteInboxEngine {
  private readonly db: Database.Database;
  private readonly statements: Statements;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    try {
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.exec(INBOX_SCHEMA);
    } catch (error) {
      this.db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') {
        throw new InboxLockedError(`${file} is in use by another gateway process`);
      }
      throw error;
    }
    this.statements = prepareStatements(this.db);
  }

  /** Runs every write in one transaction; all commit or none do. */
  commit(writes: readonly InboxWrite[]): unknown[] {
    return this.db.transaction(() => writes.map((write) => this.write(write)))();
  }

  query(query: InboxQuery): unknown {
    const s = this.statements;
    switch (query.op) {
      case 'due':
        return s.due.all(query.now, query.limit);
      case 'nextDue':
        return (s.nextDue.get() as { at: number | null }).at ?? undefined;
      case 'get':
        return s.get.get(query.vendor, query.messageId);
      case 'list':
        return s.list.all(query.state, query.afterSeq, query.limit);
      case 'counts': {
        const counts: InboxCounts = { pending: 0, delivered: 0, skipped: 0, dead: 0 };
        for (const row of s.counts.all() as { state: MessageState; n: number }[]) {
          counts[row.state] = row.n;
        }
        return counts;
      }
      case 'count':
        return (s.count.get(query.state) as { n: number }).n;
      case 'pragma':
        return this.db.pragma(query.pragma);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private write(write: InboxWrite): unknown {
    const s = this.statements;
    switch (write.op) {
      case 'insert':
        if (write.replay) {
          // A few expired keys go with every claim, so the table stays as small as the TTL allows.
          s.forgetReplays.run(write.now);
          if (
            s.claimReplay.run(write.replay.key, write.replay.expiresAt, write.now).changes === 0
          ) {
            return 'replayed';
          }
        }
        return write.rows.map((row) =>
          s.insert.run({ ...row, now: write.now }).changes === 1 ? 'stored' : 'duplicate',
        );
      case 'checkpoint':
        return s.checkpoint.run(write.checkpoint, write.now, write.seq).changes;
      case 'finish':
        return s.finish.run(write.state, write.checkpoint, write.now, write.seq).changes;
      case 'retry':
        return s.retry.run(write.attempts, write.at, write.error, write.now, write.seq).changes;
      case 'dead':
        return s.dead.run(write.attempts, write.error, write.now, write.seq).changes;
      case 'requeue':
        return s.requeue.run({
          seq: write.seq ?? null,
          vendor: write.vendor ?? null,
          now: write.now,
        }).changes;
      case 'probe':
        return s.probe.run(write.now).changes;
    }
  }
}

function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare(
      `INSERT INTO inbox_messages (vendor, message_id, payload, next_attempt_at, received_at, updated_at)
       VALUES (@vendor, @messageId, @payload, @now, @now, @now)
       ON CONFLICT (vendor, message_id) DO NOTHING`,
    ),
    // INDEXED BY: without statistics SQLite picks the state index and sorts every pending row,
    // which with a backlog of a million takes 300 ms on the thread every commit waits on.
    due: db.prepare(
      `SELECT * FROM inbox_messages INDEXED BY inbox_messages_due
       WHERE state = 'pending' AND next_attempt_at <= ?
       ORDER BY next_attempt_at, seq LIMIT ?`,
    ),
    nextDue: db.prepare(
      `SELECT MIN(next_attempt_at) AS at FROM inbox_messages INDEXED BY inbox_messages_due
       WHERE state = 'pending'`,
    ),
    checkpoint: db.prepare(
      `UPDATE inbox_messages SET checkpoint = ?, updated_at = ? WHERE seq = ?`,
    ),
    finish: db.prepare(
      `UPDATE inbox_messages SET state = ?, checkpoint = ?, last_error = NULL, updated_at = ?
       WHERE seq = ?`,
    ),
    retry: db.prepare(
      `UPDATE inbox_messages SET attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ?
       WHERE seq = ?`,
    ),
    dead: db.prepare(
      `UPDATE inbox_messages SET state = 'dead', attempts = ?, last_error = ?, updated_at = ?
       WHERE seq = ?`,
    ),
    get: db.prepare(`SELECT * FROM inbox_messages WHERE vendor = ? AND message_id = ?`),
    list: db.prepare(
      `SELECT * FROM inbox_messages WHERE state = ? AND seq > ? ORDER BY seq LIMIT ?`,
    ),
    // last_error stays: it is why the message died, until the next attempt replaces it.
    requeue: db.prepare(
      `UPDATE inbox_messages SET state = 'pending', attempts = 0, next_attempt_at = @now,
       updated_at = @now
       WHERE state = 'dead' AND (@seq IS NULL OR seq = @seq)
       AND (@vendor IS NULL OR vendor = @vendor)`,
    ),
    counts: db.prepare(`SELECT state, COUNT(*) AS n FROM inbox_messages GROUP BY state`),
    count: db.prepare(`SELECT COUNT(*) AS n FROM inbox_messages WHERE state = ?`),
    claimReplay: db.prepare(
      `INSERT INTO replay_keys (key, expires_at) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at
       WHERE replay_keys.expires_at <= ?`,
    ),
    forgetReplays: db.prepare(
      `DELETE FROM replay_keys WHERE key IN
       (SELECT key FROM replay_keys WHERE expires_at <= ? ORDER BY expires_at LIMIT 8)`,
    ),
    probe: db.prepare(
      `INSERT INTO inbox_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at`,
    ),
  };
}

type Statements = ReturnType<typeof prepareStatements>;
