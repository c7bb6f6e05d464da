import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PostgresInboxStore } from '../../src/inbox/drivers/postgres/postgres-inbox.store';
import { SqliteInboxStore } from '../../src/inbox/drivers/sqlite/sqlite-inbox.store';
import type { InboxStore } from '../../src/inbox/inbox-store.port';
import type { PostgresDatabase } from '../../src/storage/postgres/postgres-database';
import {
  freshSchema,
  openTestDatabase,
  postgresAvailableSync,
  type TestSchema,
} from '../support/postgres';

/**
 * The InboxStore contract, run over every driver (as @nestjs/throttler runs its e2e suites over
 * every storage). A driver's factory opens a fresh, empty store with the test's clock; drivers
 * whose store can be shared also open a second instance on it, standing for another process.
 */
export interface Driver {
  name: string;
  /** Whether `open` may be called again for another instance (process) on the same store. */
  shared: boolean;
  /** False only outside CI, when the driver's server is missing: its cases are then skipped. */
  available: boolean;
  setUp(): Promise<void>;
  open(now: () => number): Promise<InboxStore>;
  tearDown(): Promise<void>;
  postgres?: {
    /** The database of the instance opened last. */
    database(): PostgresDatabase;
    /** Statements on the test's schema from a connection of its own. */
    admin(text: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
  };
}

export const GROUP = { groupCommitMaxBatch: 1024, groupCommitWindowMs: 0 };

export function sqliteDriver(): Driver {
  let dir: string | undefined;
  const stores: InboxStore[] = [];
  return {
    name: 'sqlite',
    shared: false,
    available: true,
    setUp: () => {
      dir = mkdtempSync(join(tmpdir(), 'inbox-contract-'));
      return Promise.resolve();
    },
    open: async (now) => {
      const store = await SqliteInboxStore.open({
        file: join(dir!, 'inbox.sqlite'),
        ...GROUP,
        now,
      });
      stores.push(store);
      return store;
    },
    tearDown: async () => {
      for (const store of stores.splice(0)) await store.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postgresDriver(): Driver {
  let schema: TestSchema | undefined;
  const stores: InboxStore[] = [];
  const databases: PostgresDatabase[] = [];
  return {
    name: 'postgres',
    shared: true,
    available: postgresAvailableSync('inbox store contract'),
    setUp: async () => {
      schema = await freshSchema();
    },
    open: async (now) => {
      const database = await openTestDatabase(schema!.url);
      databases.push(database);
      const store = new PostgresInboxStore(database, { ...GROUP, now });
      stores.push(store);
      return store;
    },
    tearDown: async () => {
      for (const store of stores.splice(0)) await store.close();
      for (const database of databases.splice(0)) await database.close();
      await schema?.drop();
      schema = undefined;
    },
    postgres: {
      database: () => databases[databases.length - 1],
      admin: async (text, values) => {
        const client = new Client({ connectionString: schema!.url });
        await client.connect();
        try {
          return (await client.query(text, values)).rows as Record<string, unknown>[];
        } finally {
          await client.end();
        }
      },
    },
  };
}
