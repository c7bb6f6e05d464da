import { Logger } from '@nestjs/common';
import { Client, Pool, type PoolClient, type PoolConfig, type QueryResultRow } from 'pg';
import type { SchemaMigration } from '../schema-migration';
import { migratePostgres } from './postgres-migrator';

export interface PostgresOptions {
  /** `postgres://user:password@host:5432/database[?sslmode=verify-full]`, the secret resolved. */
  url: string;
  poolSize: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  /** A private CA's PEM file: the connection is then TLS, verified against it. */
  caFile?: string;
  /** The schema to bring the database to (src/postgres-schema.ts), under an advisory lock. */
  migrations: readonly SchemaMigration[];
}

/** PostgreSQL codes after which a transaction is safe to run again from the start. */
const RETRYABLE = new Set(['40001', '40P01']);
const TRANSACTION_ATTEMPTS = 4;
const LISTEN_RETRY_MAX_MS = 5_000;

type Listener = (payload: string) => void;

/**
 * The shared database of the `postgres` storage driver: a connection pool for queries and
 * transactions, one more connection that only LISTENs (a pooled connection would miss
 * notifications while it is checked in), and the schema, migrated at open.
 */
export class PostgresDatabase {
  private readonly logger = new Logger('Postgres');
  private readonly listeners = new Map<string, Set<Listener>>();
  private listener: Client | undefined;
  private listenRetries = 0;
  private listenTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    readonly pool: Pool,
    private readonly clientConfig: PoolConfig,
  ) {
    // An idle pooled connection that dies (server restart, failover) must not crash the process;
    // the pool drops it and the next query opens another.
    pool.on('error', (error) => this.logger.warn(`idle connection lost: ${error.message}`));
  }

  /** Connects, migrates the schema (under an advisory lock) and starts listening. */
  static async open(options: PostgresOptions): Promise<PostgresDatabase> {
    const clientConfig = connectionConfig(options);
    const pool = new Pool({ ...clientConfig, max: options.poolSize });
    const database = new PostgresDatabase(pool, clientConfig);
    try {
      await migratePostgres(pool, options.migrations);
      await database.connectListener();
    } catch (error) {
      await database.close();
      throw error;
    }
    return database;
  }

  query<R extends QueryResultRow>(text: string, values?: unknown[]) {
    return this.pool.query<R>(text, values);
  }

  /**
   * Runs `work` in one transaction, from the start again after a deadlock or serialization
   * failure (concurrent batches touching the same keys in another order).
   */
  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const client = await this.pool.connect();
      // The pool stops listening for a checked-out client's errors: without a listener of our
      // own, a connection lost mid-transaction is an unhandled 'error' event (a crash). The
      // statement under way fails with the same error, which is what the caller sees.
      const ignore = () => undefined;
      client.on('error', ignore);
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        client.off('error', ignore);
        client.release();
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        client.off('error', ignore);
        // A connection that failed mid-transaction is not given back for reuse.
        client.release(isConnectionError(error) ? (error as Error) : undefined);
        const code = (error as { code?: string }).code;
        if (!(code && RETRYABLE.has(code)) || attempt >= TRANSACTION_ATTEMPTS) throw error;
      }
    }
  }

  /** Sends a notification; delivered to every listening process when the caller's commit lands. */
  async notify(channel: string, payload = ''): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  /**
   * Calls `listener` for each notification on `channel`, from any process. After the listening
   * connection is lost and made again, every listener is called once with '' (notifications
   * sent meanwhile are lost, so whatever they announced must be looked for).
   */
  listen(channel: string, listener: Listener): () => void {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      void this.listener?.query(`LISTEN ${quoteIdentifier(channel)}`).catch(() => undefined);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Connections in the pool and waiting callers, for readiness details. */
  get poolStats(): { total: number; idle: number; waiting: number } {
    return {
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.pool.waitingCount,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.listenTimer);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    if (!this.pool.ended) await this.pool.end();
  }

  private async connectListener(): Promise<void> {
    const client = new Client(this.clientConfig);
    client.on('error', (error) => this.logger.warn(`listening connection: ${error.message}`));
    client.on('end', () => {
      if (this.listener !== client || this.closed) return;
      this.listener = undefined;
      this.scheduleListenerRetry();
    });
    client.on('notification', (message) => {
      for (const listener of this.listeners.get(message.channel) ?? []) {
        listener(message.payload ?? '');
      }
    });
    await client.connect();
    for (const channel of this.listeners.keys()) {
      await client.query(`LISTEN ${quoteIdentifier(channel)}`);
    }
    this.listener = client;
  }

  private scheduleListenerRetry(): void {
    const delay = Math.min(LISTEN_RETRY_MAX_MS, 100 * 2 ** this.listenRetries);
    this.listenRetries += 1;
    this.listenTimer = setTimeout(() => {
      this.connectListener().then(
        () => {
          this.listenRetries = 0;
          this.logger.log('listening again for notifications');
          for (const set of this.listeners.values()) for (const listener of set) listener('');
        },
        (error: unknown) => {
          this.logger.warn(`cannot listen for notifications yet: ${(error as Error).message}`);
          if (!this.closed) this.scheduleListenerRetry();
        },
      );
    }, delay);
    this.listenTimer.unref();
  }
}

/**
 * pg reads TLS from the URL (`sslmode`, `sslrootcert`); a CA file setting is added to it as
 * `sslrootcert` with `verify-full`, so both ways of configuring TLS end in one place.
 */
function connectionConfig(options: PostgresOptions): PoolConfig {
  let connectionString = options.url;
  if (options.caFile) {
    const url = new URL(options.url);
    url.searchParams.set('sslrootcert', options.caFile);
    if (!url.searchParams.has('sslmode')) url.searchParams.set('sslmode', 'verify-full');
    connectionString = url.toString();
  }
  return {
    connectionString,
    statement_timeout: options.statementTimeoutMs,
    connectionTimeoutMillis: options.connectTimeoutMs,
    // A transaction left open by a crashed caller must not hold its locks for ever.
    idle_in_transaction_session_timeout: Math.max(options.statementTimeoutMs * 2, 10_000),
    application_name: 'b2c-webhook-gateway',
  };
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Errors after which the connection itself is unusable (lost, reset, ended). */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? '';
  return (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'EPIPE',
      'ETIMEDOUT',
      'ENOTFOUND',
      '57P01',
      '57P02',
      '57P03',
    ].includes(code) ||
    code.startsWith('08') ||
    /Connection terminated|connection timeout|Client has encountered a connection error/i.test(
      message,
    )
  );
}
