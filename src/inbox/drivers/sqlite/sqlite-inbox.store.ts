import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../../../common/problem/gateway-error';
import type { InboundMessage } from '../../../vendors/inbound-message';
import type {
  AcceptResult,
  DeliveryCheckpoint,
  InboxCounts,
  InboxStore,
  MessageState,
  StoredMessage,
} from '../../inbox-store.port';
import { GroupCommitter } from './group-commit';
import { INBOX_SCHEMA } from './sqlite-inbox.schema';

export interface SqliteInboxOptions {
  file: string;
  groupCommitMaxBatch: number;
  groupCommitWindowMs: number;
  now?: () => number;
}

interface MessageRow {
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

/** Thrown at start-up when another process holds the inbox file. */
export class InboxLockedError extends Error {}

/**
 * The embedded inbox: SQLite in WAL mode with synchronous=FULL, so a commit is on stable storage
 * when it returns. The file is opened in exclusive locking mode: one gateway process owns it, and
 * a second one fails at start instead of delivering the same messages twice.
 */
export class SqliteInboxStore implements InboxStore {
  private readonly db: Database.Database;
  private readonly committer: GroupCommitter;
  private readonly now: () => number;
  private readonly statements: Statements;

  constructor(options: SqliteInboxOptions) {
    this.now = options.now ?? Date.now;
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    this.db = new Database(options.file);
    try {
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.exec(INBOX_SCHEMA);
    } catch (error) {
      this.db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') {
        throw new InboxLockedError(`${options.file} is in use by another gateway process`);
      }
      throw error;
    }
    this.statements = prepareStatements(this.db);
    this.committer = new GroupCommitter({
      maxBatch: options.groupCommitMaxBatch,
      windowMs: options.groupCommitWindowMs,
      transaction: (work) => this.db.transaction(work)(),
      onCommitError: (error) =>
        new StoreUnavailableError(`the inbox could not commit: ${describeSqliteError(error)}`),
    });
  }

  /** Commits and fsyncs so far, for the benchmark and metrics. */
  get commitStats(): { commits: number; writes: number } {
    return { ...this.committer.stats };
  }

  accept(messages: readonly InboundMessage[]): Promise<AcceptResult> {
    const now = this.now();
    // Serialize outside the transaction: a payload that cannot be serialized is the caller's
    // problem, not a reason to fail everyone else's commit.
    const rows = messages.map((message) => ({
      vendor: message.vendor,
      messageId: message.messageId,
      payload: JSON.stringify(message),
      now,
    }));
    return this.committer.submit(() => ({
      outcomes: rows.map((row) =>
        this.statements.insert.run(row).changes === 1
          ? ('stored' as const)
          : ('duplicate' as const),
      ),
    }));
  }

  async due(now: number, limit: number, exclude: ReadonlySet<number>): Promise<StoredMessage[]> {
    // Asking for `exclude.size` more rows than needed and filtering is simpler than an IN list,
    // and the in-flight set is bounded by the worker's concurrency.
    const rows = this.statements.due.all(now, limit + exclude.size) as MessageRow[];
    return rows
      .filter((row) => !exclude.has(row.seq))
      .slice(0, limit)
      .map(toStoredMessage);
  }

  async nextDueAt(): Promise<number | undefined> {
    const row = this.statements.nextDue.get() as { at: number | null } | undefined;
    return row?.at ?? undefined;
  }

  saveCheckpoint(seq: number, checkpoint: DeliveryCheckpoint): Promise<void> {
    const json = JSON.stringify(checkpoint);
    return this.committer.submit(() => {
      this.statements.checkpoint.run(json, this.now(), seq);
    });
  }

  markDelivered(
    seq: number,
    state: 'delivered' | 'skipped',
    checkpoint: DeliveryCheckpoint,
  ): Promise<void> {
    const json = JSON.stringify(checkpoint);
    return this.committer.submit(() => {
      this.statements.finish.run(state, json, this.now(), seq);
    });
  }

  scheduleRetry(seq: number, attempts: number, at: number, error: unknown): Promise<void> {
    const json = JSON.stringify(error);
    return this.committer.submit(() => {
      this.statements.retry.run(attempts, at, json, this.now(), seq);
    });
  }

  deadLetter(seq: number, attempts: number, error: unknown): Promise<void> {
    const json = JSON.stringify(error);
    return this.committer.submit(() => {
      this.statements.dead.run(attempts, json, this.now(), seq);
    });
  }

  async get(vendor: string, messageId: string): Promise<StoredMessage | undefined> {
    const row = this.statements.get.get(vendor, messageId) as MessageRow | undefined;
    return row ? toStoredMessage(row) : undefined;
  }

  async list(state: MessageState, limit: number): Promise<StoredMessage[]> {
    return (this.statements.list.all(state, limit) as MessageRow[]).map(toStoredMessage);
  }

  async counts(): Promise<InboxCounts> {
    const counts: InboxCounts = { pending: 0, delivered: 0, skipped: 0, dead: 0 };
    for (const row of this.statements.counts.all() as { state: MessageState; n: number }[]) {
      counts[row.state] = row.n;
    }
    return counts;
  }

  probeWrite(): Promise<void> {
    return this.committer.submit(() => {
      this.statements.probe.run(this.now());
    });
  }

  async close(): Promise<void> {
    this.committer.close();
    if (this.db.open) this.db.close();
  }
}

function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare(
      `INSERT INTO inbox_messages (vendor, message_id, payload, next_attempt_at, received_at, updated_at)
       VALUES (@vendor, @messageId, @payload, @now, @now, @now)
       ON CONFLICT (vendor, message_id) DO NOTHING`,
    ),
    due: db.prepare(
      `SELECT * FROM inbox_messages WHERE state = 'pending' AND next_attempt_at <= ?
       ORDER BY next_attempt_at, seq LIMIT ?`,
    ),
    nextDue: db.prepare(
      `SELECT MIN(next_attempt_at) AS at FROM inbox_messages WHERE state = 'pending'`,
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
    list: db.prepare(`SELECT * FROM inbox_messages WHERE state = ? ORDER BY seq LIMIT ?`),
    counts: db.prepare(`SELECT state, COUNT(*) AS n FROM inbox_messages GROUP BY state`),
    probe: db.prepare(
      `INSERT INTO inbox_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at`,
    ),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

function toStoredMessage(row: MessageRow): StoredMessage {
  return {
    seq: row.seq,
    message: JSON.parse(row.payload) as InboundMessage,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    checkpoint: JSON.parse(row.checkpoint) as DeliveryCheckpoint,
    lastError: row.last_error === null ? undefined : (JSON.parse(row.last_error) as unknown),
    receivedAt: row.received_at,
    updatedAt: row.updated_at,
  };
}

/** SQLite's code and message, which name the condition (SQLITE_FULL, SQLITE_READONLY, ...). */
function describeSqliteError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
