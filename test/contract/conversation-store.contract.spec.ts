import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConversationStore } from '../../src/conversations/conversation-store.port';
import { PostgresConversationStore } from '../../src/conversations/drivers/postgres-conversation.store';
import { SqliteConversationStore } from '../../src/conversations/drivers/sqlite-conversation.store';
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
  /** A fresh store; `another()` opens a second handle (process) on the same data. */
  open(): Promise<{ store: ConversationStore; another(): Promise<ConversationStore> }>;
  tearDown(): Promise<void>;
}

function sqliteDriver(): Driver {
  const dirs: string[] = [];
  const stores: ConversationStore[] = [];
  return {
    name: 'sqlite',
    available: true,
    open() {
      const dir = mkdtempSync(join(tmpdir(), 'conversations-'));
      dirs.push(dir);
      const file = join(dir, 'conversations.sqlite');
      const make = () => {
        const store = new SqliteConversationStore(file);
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
    available: postgresAvailableSync('conversation store contract'),
    async open() {
      const schema = await freshSchema();
      schemas.push(schema);
      const make = async () => {
        const database = await openTestDatabase(schema.url);
        databases.push(database);
        return new PostgresConversationStore(database);
      };
      return { store: await make(), another: make };
    },
    async tearDown() {
      for (const database of databases.splice(0)) await database.close();
      for (const schema of schemas.splice(0)) await schema.drop();
    },
  };
}

const drivers = [sqliteDriver(), postgresDriver()];

describe.each(drivers.map((driver) => [driver.name, driver] as const))(
  'conversation store on %s',
  (_name, driver) => {
    const maybe = driver.available ? it : it.skip;
    afterEach(() => driver.tearDown());

    const key = { customer: '+15551230001', ourNumber: '+15557654321' };

    maybe('records a conversation, moves its activity, and replaces its incident', async () => {
      const { store, another } = await driver.open();
      expect(await store.find(key)).toBeUndefined();
      await store.record({ ...key, vendor: 'twilio', incidentId: 7, at: 1_000 });
      await store.record({ ...key, vendor: 'twilio', incidentId: 7, at: 5_000 });
      // An older time never moves activity back.
      await store.record({ ...key, vendor: 'twilio', incidentId: 7, at: 3_000 });
      const other = await another();
      expect(await other.find(key)).toEqual({
        ...key,
        vendor: 'twilio',
        incidentId: 7,
        startedAt: 1_000,
        lastActivityAt: 5_000,
      });
      await other.record({ ...key, vendor: 'plivo', incidentId: 9, at: 6_000 });
      expect(await store.find(key)).toEqual({
        ...key,
        vendor: 'plivo',
        incidentId: 9,
        startedAt: 6_000,
        lastActivityAt: 6_000,
      });
      // Another number the same customer texted is another conversation.
      expect(await store.find({ ...key, ourNumber: '+15550000000' })).toBeUndefined();
    });

    maybe('lists active conversations, most recent first, since a time', async () => {
      const { store } = await driver.open();
      for (let i = 0; i < 5; i += 1) {
        await store.record({
          customer: `+1555000000${i}`,
          ourNumber: key.ourNumber,
          vendor: 'twilio',
          incidentId: 100 + i,
          at: 1_000 * (i + 1),
        });
      }
      const active = await store.active(2_000, 3);
      expect(active.map((c) => c.incidentId)).toEqual([104, 103, 102]);
      expect(await store.active(10_000, 10)).toEqual([]);
    });

    maybe('keeps the latest opt-out word, whatever order they are written in', async () => {
      const { store, another } = await driver.open();
      expect(await store.isOptedOut(key.customer)).toBe(false);
      await store.setOptOut(key.customer, true, 2_000);
      expect(await (await another()).isOptedOut(key.customer)).toBe(true);
      await store.setOptOut(key.customer, false, 1_000); // older START: ignored
      expect(await store.isOptedOut(key.customer)).toBe(true);
      await store.setOptOut(key.customer, false, 3_000);
      expect(await store.isOptedOut(key.customer)).toBe(false);
    });

    maybe('records a sent reply once and updates it from receipts', async () => {
      const { store, another } = await driver.open();
      const sent = {
        vendor: 'twilio',
        vendorMessageId: 'SM1',
        incidentId: 7,
        customer: key.customer,
      };
      await store.recordSent({ ...sent, status: 'queued', at: 1_000 });
      await store.recordSent({ ...sent, status: 'other', at: 2_000 });
      expect(await store.getSent('twilio', 'SM1')).toEqual({
        ...sent,
        status: 'queued',
        updatedAt: 1_000,
      });
      const updated = await (
        await another()
      ).updateSentStatus('twilio', 'SM1', {
        status: 'undelivered',
        errorCode: '30003',
        at: 3_000,
      });
      expect(updated).toEqual({
        ...sent,
        status: 'undelivered',
        errorCode: '30003',
        updatedAt: 3_000,
      });
      expect(
        await store.updateSentStatus('twilio', 'SM404', { status: 'delivered', at: 1 }),
      ).toBeUndefined();
      expect(await store.getSent('plivo', 'SM1')).toBeUndefined();
    });

    maybe('lets one owner poll at a time, and another take over once the lease ends', async () => {
      const { store, another } = await driver.open();
      const second = await another();
      expect(await store.claimPoll('a', 1_000, 10_000)).toEqual({});
      expect(await second.claimPoll('b', 1_000, 10_500)).toBeUndefined();
      expect(await store.savePollCursor('a', 42)).toBe(true);
      expect(await store.claimPoll('a', 1_000, 10_900)).toEqual({ cursor: 42 });
      // a's lease now runs to 11_900.
      expect(await second.claimPoll('b', 1_000, 11_800)).toBeUndefined();
      expect(await second.claimPoll('b', 1_000, 12_000)).toEqual({ cursor: 42 });
      expect(await store.savePollCursor('a', 43)).toBe(false);
      expect(await second.savePollCursor('b', 44)).toBe(true);
      expect(await store.claimPoll('a', 1_000, 12_100)).toBeUndefined();
      // A graceful stop gives the lease up at once.
      await second.releasePoll('b');
      expect(await store.claimPoll('a', 1_000, 12_200)).toEqual({ cursor: 44 });
    });
  },
);
