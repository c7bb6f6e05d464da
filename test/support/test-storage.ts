import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { PostgresInboxStore } from '../../src/inbox/drivers/postgres/postgres-inbox.store';
import { SqliteInboxStore } from '../../src/inbox/drivers/sqlite/sqlite-inbox.store';
import type { InboxStore } from '../../src/inbox/inbox-store.port';
import { INBOX_FILE } from '../../src/inbox/inbox.module';
import { openTestDatabase, TEST_DATABASE_URL } from './postgres';

/**
 * The storage driver the end-to-end gateways run on: `TEST_STORAGE_DRIVER=postgres` (`npm test` runs the
 * e2e suites a second time so) gives each gateway a fresh PostgreSQL schema; the
 * default is the embedded SQLite inbox.
 */
export const TEST_STORAGE_DRIVER =
  process.env.TEST_STORAGE_DRIVER === 'postgres' ? 'postgres' : 'sqlite';

/** The variables that put a gateway on the test storage driver (none for SQLite). */
export function storageEnv(): Record<string, string> {
  if (TEST_STORAGE_DRIVER !== 'postgres') return {};
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=e2e_${randomBytes(6).toString('hex')}`);
  return { STORAGE_DRIVER: 'postgres', DATABASE_URL: url.toString() };
}

/**
 * Makes the schema a gateway's DATABASE_URL names, if it names one: the environment is built
 * synchronously, the schema only when the gateway starts. Idempotent, so several processes of
 * one test may share the URL.
 */
export async function prepareStorage(env: Record<string, string | undefined>): Promise<void> {
  if (env.STORAGE_DRIVER !== 'postgres' || !env.DATABASE_URL) return;
  const schema = /search_path=([a-z0-9_]+)/.exec(
    new URL(env.DATABASE_URL).searchParams.get('options') ?? '',
  )?.[1];
  if (!schema) return;
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } finally {
    await client.end();
  }
}

/**
 * The inbox a gateway with environment `env` uses, opened beside it (PostgreSQL) or after it
 * ended (SQLite, whose file is one process's), to read what it stored.
 */
export async function openInboxOf(
  env: Record<string, string>,
): Promise<{ store: InboxStore; close(): Promise<void> }> {
  const options = { groupCommitMaxBatch: 1, groupCommitWindowMs: 0 };
  if (env.STORAGE_DRIVER === 'postgres') {
    const database = await openTestDatabase(env.DATABASE_URL);
    const store = new PostgresInboxStore(database, options);
    return {
      store,
      close: async () => {
        await store.close();
        await database.close();
      },
    };
  }
  const store = await SqliteInboxStore.open({ file: join(env.DATA_DIR, INBOX_FILE), ...options });
  return { store, close: () => store.close() };
}
