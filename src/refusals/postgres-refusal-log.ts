import { type BeforeApplicationShutdown, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { RateLimitedWarning } from '../common/logging/rate-limited-warning';
import type { PostgresDatabase } from '../storage/postgres/postgres-database';
import { GatewayError, ProblemCode } from '../common/problem/gateway-error';
import { normalizeReferenceId, REFUSAL_TTL_MS, type RefusalLog } from './refusal-log.port';

export interface PostgresRefusalLogOptions {
  ttlMs?: number;
  /** Rows the table may hold after a sweep; the oldest go first. */
  maxRows?: number;
  sweepEveryMs?: number;
  clock?: () => number;
}

/** At a few hundred bytes a line, about 50 MB of table for all instances together. */
const DEFAULT_MAX_ROWS = 100_000;
const DEFAULT_SWEEP_EVERY_MS = 60_000;
/** Rows per INSERT: one statement stays well under the server's message and lock sizes. */
const INSERT_CHUNK = 1_000;
/**
 * Refusals waiting for the database, at most. Past this (the database slow or down during a
 * flood) new ones are not kept here; their lines are still in the process log.
 */
const PENDING_LIMIT = 10_000;
/** Rows per DELETE and DELETEs per sweep: short transactions, and a sweep that ends. */
const SWEEP_BATCH = 1_000;
const SWEEP_MAX_BATCHES = 100;

interface Pending {
  line: Record<string, unknown>;
  expiresAt: number;
}

/**
 * The `postgres` driver's refusal log: the `refusals` table every instance writes and reads, so
 * any instance can explain a refusal another one made. Records wait for the end of the event
 * loop turn and go in one multi-row INSERT, one at a time: a flood of refusals holds one pooled
 * connection, not one per refusal. Expired rows, and the oldest past `maxRows`, are deleted in
 * small batches by a periodic sweep in each instance (SKIP LOCKED, so sweeps do not queue on
 * each other).
 */
export class PostgresRefusalLog
  implements RefusalLog, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('RefusalLog');
  private readonly failures: RateLimitedWarning;
  private readonly ttlMs: number;
  private readonly maxRows: number;
  private readonly clock: () => number;
  private readonly sweepTimer: NodeJS.Timeout;
  private pending = new Map<string, Pending>();
  /** The batch under way: not in the table until its INSERT commits, and no longer pending. */
  private inFlight: Map<string, Pending> | undefined;
  private flushScheduled = false;
  private writing: Promise<void> | undefined;
  private sweeping: Promise<number> | undefined;

  constructor(
    private readonly database: Pick<PostgresDatabase, 'query'>,
    options: PostgresRefusalLogOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? REFUSAL_TTL_MS;
    this.maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    this.clock = options.clock ?? Date.now;
    this.failures = new RateLimitedWarning(this.logger, undefined, this.clock);
    this.sweepTimer = setInterval(
      () => void this.sweep().catch(() => undefined),
      options.sweepEveryMs ?? DEFAULT_SWEEP_EVERY_MS,
    );
    // Housekeeping must never keep a process alive that is otherwise done.
    this.sweepTimer.unref();
  }

  record(referenceId: string, line: Record<string, unknown>): void {
    if (this.pending.size >= PENDING_LIMIT && !this.pending.has(referenceId)) {
      this.failures.warn(
        `refusal log: ${PENDING_LIMIT} refusals already wait for the database; ` +
          `${referenceId} is only in the process log`,
      );
      return;
    }
    this.pending.set(referenceId, { line, expiresAt: this.clock() + this.ttlMs });
    this.scheduleFlush();
  }

  async find(referenceId: string): Promise<Record<string, unknown> | undefined> {
    const key = normalizeReferenceId(referenceId);
    // Recorded here moments ago and not yet written: still ours to answer.
    const waiting = this.pending.get(key) ?? this.inFlight?.get(key);
    if (waiting) return waiting.line;
    try {
      const { rows } = await this.database.query<{ line: Record<string, unknown> }>(
        'SELECT line FROM refusals WHERE reference_id = $1 AND expires_at > $2',
        [key, this.clock()],
      );
      return rows[0]?.line;
    } catch (error) {
      const unavailable = new GatewayError(
        ProblemCode.StoreUnavailable,
        'the refusal log cannot be read now; retry, or search the log (npm run reference)',
      );
      // The database's reason goes to the log line of this 503, not to the caller.
      unavailable.logDetails = { cause: messageOf(error) };
      throw unavailable;
    }
  }

  /**
   * Rows expire `ttlMs` after they were recorded (every instance uses the same TTL), so the
   * expiry index finds the recent ones. What this instance has not written yet is written first.
   */
  async countSince(kind: string, since: number): Promise<number> {
    await this.flush();
    const { rows } = await this.database.query<{ count: string }>(
      "SELECT count(*) FROM refusals WHERE expires_at >= $1 AND line ->> 'problem' = $2",
      [since + this.ttlMs, kind],
    );
    return Number(rows[0].count);
  }

  /**
   * Writes every refusal recorded before the call. Never rejects: a failed write is logged and
   * its refusals are left to the process log.
   */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.inFlight = batch;
    this.writing = this.write(batch).finally(() => {
      this.writing = undefined;
      this.inFlight = undefined;
      if (this.pending.size > 0) this.scheduleFlush();
    });
    await this.writing;
  }

  /**
   * Deletes expired rows, then the oldest past `maxRows`; returns how many went. Rows tied on
   * the cut-off time go together, so the table may end a little under `maxRows`.
   */
  sweep(): Promise<number> {
    this.sweeping ??= this.deleteOld().then(
      (deleted) => {
        this.sweeping = undefined;
        return deleted;
      },
      (error: unknown) => {
        this.sweeping = undefined;
        this.failures.warn(`refusal log: cannot delete old refusals: ${messageOf(error)}`);
        throw error;
      },
    );
    return this.sweeping;
  }

  /** Before the HTTP server closes: what was refused so far is written while the pool is open. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweepTimer);
    // Refusals made while the server drained; written if the database is still open.
    await this.flush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.writing) return;
    this.flushScheduled = true;
    // One event-loop turn collects every refusal of the requests that arrived together.
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  private async write(batch: Map<string, Pending>): Promise<void> {
    const rows: string[] = [];
    for (const [referenceId, { line, expiresAt }] of batch) {
      const row = { reference_id: referenceId, line, expires_at: expiresAt };
      try {
        rows.push(JSON.stringify(row, storableText));
      } catch (error) {
        // A line JSON cannot hold (a BigInt, a cycle in some log details) costs only itself.
        this.failures.warn(`refusal log: ${referenceId} not stored: ${messageOf(error)}`);
      }
    }
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      const chunk = rows.slice(start, start + INSERT_CHUNK);
      try {
        // One JSON parameter whatever the batch size (a parameter per value would hit the
        // protocol's 65,535 limit); ids are unique within it, as ON CONFLICT requires.
        await this.database.query(
          `INSERT INTO refusals (reference_id, line, expires_at)
           SELECT r.reference_id, r.line, r.expires_at
             FROM jsonb_to_recordset($1::jsonb)
                  AS r(reference_id TEXT, line JSONB, expires_at BIGINT)
           ON CONFLICT (reference_id)
           DO UPDATE SET line = EXCLUDED.line, expires_at = EXCLUDED.expires_at`,
          [`[${chunk.join(',')}]`],
        );
      } catch (error) {
        this.failures.warn(
          `refusal log: ${chunk.length} refusals not stored (they are in the process log): ` +
            messageOf(error),
        );
      }
    }
  }

  private async deleteOld(): Promise<number> {
    const now = this.clock();
    const { rows } = await this.database.query<{ expires_at: string }>(
      'SELECT expires_at FROM refusals ORDER BY expires_at DESC OFFSET $1 LIMIT 1',
      [this.maxRows],
    );
    // Every row expires ttlMs after it was recorded: the earliest to expire are the oldest.
    const cutoff = rows.length > 0 ? Math.max(now, Number(rows[0].expires_at)) : now;
    let deleted = 0;
    for (let batch = 0; batch < SWEEP_MAX_BATCHES; batch += 1) {
      const result = await this.database.query(
        `DELETE FROM refusals WHERE reference_id IN (
           SELECT reference_id FROM refusals WHERE expires_at <= $1
            ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        [cutoff, SWEEP_BATCH],
      );
      deleted += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) < SWEEP_BATCH) break;
    }
    return deleted;
  }
}

// Built from a string: a regex literal with a NUL escape is an ESLint no-control-regex error.
const UNSTORABLE_SOURCE =
  '\\u0000|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const UNSTORABLE = new RegExp(UNSTORABLE_SOURCE);
const UNSTORABLE_ALL = new RegExp(UNSTORABLE_SOURCE, 'g');

/** JSONB refuses NUL characters and lone surrogates; one such string must not sink a batch. */
function storableText(_key: string, value: unknown): unknown {
  return typeof value === 'string' && UNSTORABLE.test(value)
    ? value.replace(UNSTORABLE_ALL, '\uFFFD')
    : value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
