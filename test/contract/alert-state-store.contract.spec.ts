import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertState } from '../../src/alerts/alert-conditions';
import type { AlertStateStore } from '../../src/alerts/alert-state-store.port';
import { PostgresAlertStateStore } from '../../src/alerts/drivers/postgres-alert-state.store';
import { SqliteAlertStateStore } from '../../src/alerts/drivers/sqlite-alert-state.store';
import type { PostgresDatabase } from '../../src/storage/postgres/postgres-database';
import {
  freshSchema,
  openTestDatabase,
  postgresAvailableSync,
  type TestSchema,
} from '../support/postgres';

interface Driver {
  name: string;
  available: boolean;
  /** A fresh store; `another()` opens a second handle (process, or restart) on the same data. */
  open(): Promise<{ store: AlertStateStore; another(): Promise<AlertStateStore> }>;
  tearDown(): Promise<void>;
}

function sqliteDriver(): Driver {
  const dirs: string[] = [];
  const stores: AlertStateStore[] = [];
  return {
    name: 'sqlite',
    available: true,
    open() {
      const dir = mkdtempSync(join(tmpdir(), 'alerts-'));
      dirs.push(dir);
      const make = () => {
        const store = new SqliteAlertStateStore(join(dir, 'alerts.sqlite'));
        stores.push(store);
        return Promise.resolve(store);
      };
      return make().then((store) => ({ store, another: make }));
    },
    async tearDown() {
      for (const store of stores.splice(0)) await store.close();
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresDriver(): Driver {
  const schemas: TestSchema[] = [];
  const databases: PostgresDatabase[] = [];
  return {
    name: 'postgres',
    available: postgresAvailableSync('alert state store contract'),
    async open() {
      const schema = await freshSchema();
      schemas.push(schema);
      const make = async () => {
        const database = await openTestDatabase(schema.url);
        databases.push(database);
        return new PostgresAlertStateStore(database);
      };
      return { store: await make(), another: make };
    },
    async tearDown() {
      for (const database of databases.splice(0)) await database.close();
      for (const schema of schemas.splice(0)) await schema.drop();
    },
  };
}

const firing: AlertState = {
  alert: 'dead-letters',
  firing: true,
  since: 1_795_428_000_123,
  value: 7,
  baseline: 4,
  announced: 'resolved',
};

describe.each([sqliteDriver(), postgresDriver()].map((driver) => [driver.name, driver] as const))(
  'alert state store on %s',
  (_name, driver) => {
    const maybe = driver.available ? it : it.skip;
    afterEach(() => driver.tearDown());
    const now = 1_795_428_000_000;

    maybe('lets one owner evaluate at a time, until its lease ends or it lets go', async () => {
      const { store, another } = await driver.open();
      const other = await another();
      expect(await store.claimEvaluation('a', 1_000, now)).toBe(true);
      expect(await other.claimEvaluation('b', 1_000, now + 500)).toBe(false);
      // The holder extends its own lease.
      expect(await store.claimEvaluation('a', 1_000, now + 900)).toBe(true);
      expect(await other.claimEvaluation('b', 1_000, now + 1_500)).toBe(false);
      // Expired: anyone may take it.
      expect(await other.claimEvaluation('b', 1_000, now + 1_901)).toBe(true);
      expect(await store.claimEvaluation('a', 1_000, now + 1_902)).toBe(false);
      await other.releaseEvaluation('b');
      expect(await store.claimEvaluation('a', 1_000, now + 1_903)).toBe(true);
      // Letting go of a lease one does not hold changes nothing.
      await other.releaseEvaluation('b');
      expect(await other.claimEvaluation('b', 1_000, now + 1_904)).toBe(false);
    });

    maybe('stores states under the lease, and another handle reads them back', async () => {
      const { store, another } = await driver.open();
      expect(await store.states()).toEqual([]);
      expect(await store.claimEvaluation('a', 1_000, now)).toBe(true);
      expect(await store.save('a', firing, now)).toBe(true);
      const calm: AlertState = {
        alert: 'oldest-pending',
        firing: false,
        since: now,
        value: 12.5,
        baseline: 0,
        announced: 'resolved',
      };
      expect(await store.save('a', calm, now)).toBe(true);
      expect(await store.save('a', { ...firing, announced: 'firing', value: 9 }, now + 1)).toBe(
        true,
      );
      // A restart (SQLite) or another process (PostgreSQL) sees what was decided.
      const reopened = await another();
      expect(await reopened.states()).toEqual([{ ...firing, announced: 'firing', value: 9 }, calm]);
    });

    maybe('refuses a save from an owner without a live lease', async () => {
      const { store, another } = await driver.open();
      const other = await another();
      // Nobody holds it.
      expect(await store.save('a', firing, now)).toBe(false);
      expect(await store.claimEvaluation('a', 1_000, now)).toBe(true);
      // Held by someone else.
      expect(await other.save('b', firing, now + 10)).toBe(false);
      // Held by the caller, but expired.
      expect(await store.save('a', firing, now + 1_001)).toBe(false);
      expect(await store.states()).toEqual([]);
      // Taken over: the old holder can no longer overwrite what the new one decided.
      expect(await other.claimEvaluation('b', 1_000, now + 1_001)).toBe(true);
      expect(await other.save('b', { ...firing, announced: 'firing' }, now + 1_002)).toBe(true);
      expect(await store.save('a', firing, now + 1_003)).toBe(false);
      expect(await store.states()).toEqual([{ ...firing, announced: 'firing' }]);
    });
  },
);
