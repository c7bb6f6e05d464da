import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Pool } from 'pg';
import { SqliteInboxStore } from '../../src/inbox/drivers/sqlite/sqlite-inbox.store';
import { SQLITE_INBOX_MIGRATIONS } from '../../src/inbox/drivers/sqlite/sqlite-inbox.migrations';
import { migrateSqlite } from '../../src/storage/sqlite/sqlite-migrator';
import { PostgresInboxStore } from '../../src/inbox/drivers/postgres/postgres-inbox.store';
import type {
  InboxStore,
  LoggedMessage,
  MessageFilter,
  MessagePosition,
} from '../../src/inbox/inbox-store.port';
import { POSTGRES_MIGRATIONS } from '../../src/postgres-schema';
import { migratePostgres } from '../../src/storage/postgres/postgres-migrator';
import type { InboundMessage } from '../../src/messages/inbound-message';
import { freshSchema, openTestDatabase } from '../support/postgres';
import { GROUP, postgresDriver, sqliteDriver } from './inbox-drivers';

const T0 = 1_795_428_000_000;
const LEASE_MS = 30_000;

function message(
  messageId: string,
  options: { from?: string; vendor?: string } = {},
): InboundMessage {
  return {
    vendor: options.vendor ?? 'twilio',
    messageId,
    kind: 'sms',
    from: options.from ?? '+14155552671',
    to: '+14155550100',
    text: `hello ${messageId}`,
    media: [],
    receivedAt: new Date(0).toISOString(),
    raw: { MessageSid: messageId },
  };
}

const ids = (messages: LoggedMessage[]) => messages.map((m) => m.message.messageId);

/**
 * The message log's part of the InboxStore contract (search, find, duplicates, incident ids,
 * requeue by ids or by filter), over every driver.
 */
describe.each([sqliteDriver(), postgresDriver()])('inbox message log contract: $name', (driver) => {
  const test = driver.available ? it : it.skip;
  const clock = { now: T0 };
  let store: InboxStore;

  beforeEach(async () => {
    clock.now = T0;
    if (!driver.available) return;
    await driver.setUp();
    store = await driver.open(() => clock.now);
  });
  afterEach(async () => {
    if (driver.available) await driver.tearDown();
  });

  /** Every page of `filter`, `limit` at a time, following each page's last position. */
  async function allPages(filter: MessageFilter, limit: number): Promise<string[][]> {
    const pages: string[][] = [];
    let after: MessagePosition | undefined;
    for (;;) {
      const page = await store.search(filter, limit, after);
      if (page.length === 0) return pages;
      pages.push(ids(page));
      const last = page[page.length - 1];
      after = { receivedAt: last.receivedAt, seq: last.seq };
    }
  }

  /** Claims one message of the store, which must be `messageId`. */
  async function claimOnly(messageId: string) {
    const [claimed] = await store.claim('worker-a', 1, LEASE_MS);
    expect(claimed.message.messageId).toBe(messageId);
    return claimed;
  }

  test('lists newest first, page by page, unmoved by messages arriving meanwhile', async () => {
    // Two in one webhook share a received time: seq orders them.
    await store.accept([message('M1'), message('M2')]);
    clock.now += 1_000;
    await store.accept([message('M3')]);
    clock.now += 1_000;
    await store.accept([message('M4'), message('M5', { vendor: 'telnyx' })]);
    expect(await allPages({}, 2)).toEqual([['M5', 'M4'], ['M3', 'M2'], ['M1']]);

    const first = await store.search({}, 2);
    clock.now += 1_000;
    await store.accept([message('M6')]);
    const last = first[first.length - 1];
    const next = await store.search({}, 10, { receivedAt: last.receivedAt, seq: last.seq });
    expect(ids(next)).toEqual(['M3', 'M2', 'M1']);
    expect(ids(await store.search({}, 1))).toEqual(['M6']);
    expect(next[0]).toMatchObject({
      message: { messageId: 'M3', from: '+14155552671' },
      sender: '+14155552671',
      state: 'pending',
      attempts: 0,
      duplicates: 0,
      receivedAt: T0 + 1_000,
      updatedAt: T0 + 1_000,
    });
    expect(next[0].incidentId).toBeUndefined();
    expect(next[0].leaseExpiresAt).toBeUndefined();
  });

  test('filters by vendor, sender, message id, time range, and by several at once', async () => {
    await store.accept([message('F1', { from: '+14155550001' })]);
    clock.now += 1_000;
    await store.accept([message('F2', { from: '+14155550002', vendor: 'telnyx' })]);
    clock.now += 1_000;
    await store.accept([message('F3', { from: '+14155550001', vendor: 'telnyx' })]);
    // The same vendor id from another vendor is another message.
    await store.accept([message('F1', { from: '+14155550003', vendor: 'sinch' })]);

    expect(ids(await store.search({ vendor: 'telnyx' }, 10))).toEqual(['F3', 'F2']);
    expect(ids(await store.search({ sender: '+14155550001' }, 10))).toEqual(['F3', 'F1']);
    const f1 = await store.search({ messageId: 'F1' }, 10);
    expect(f1.map((m) => m.message.vendor)).toEqual(['sinch', 'twilio']);
    expect(ids(await store.search({ receivedFrom: T0 + 1_000 }, 10))).toEqual(['F1', 'F3', 'F2']);
    expect(ids(await store.search({ receivedBefore: T0 + 1_000 }, 10))).toEqual(['F1']);
    expect(
      ids(await store.search({ receivedFrom: T0 + 1_000, receivedBefore: T0 + 2_000 }, 10)),
    ).toEqual(['F2']);
    expect(
      ids(await store.search({ vendor: 'telnyx', sender: '+14155550001', messageId: 'F3' }, 10)),
    ).toEqual(['F3']);
    expect(await store.search({ vendor: 'telnyx', sender: '+14155550003' }, 10)).toEqual([]);
    // Paging within a filter.
    expect(await allPages({ vendor: 'telnyx' }, 1)).toEqual([['F3'], ['F2']]);
  });

  test('filters by state: pending, delivering (a live lease), delivered, skipped, dead', async () => {
    const senders = ['+14155550011', '+14155550012', '+14155550013', '+14155550014'];
    for (const [index, id] of ['P', 'D', 'S', 'X', 'L'].entries()) {
      await store.accept([message(id, { from: senders[index] ?? '+14155550015' })]);
      clock.now += 10;
    }
    await store.markDelivered((await claimOnly('P')).lease, 'delivered', { incidentId: 1 });
    await store.markDelivered((await claimOnly('D')).lease, 'delivered', { incidentId: 2 });
    await store.markDelivered((await claimOnly('S')).lease, 'skipped', {});
    await store.deadLetter((await claimOnly('X')).lease, 3, { message: 'refused' });
    await store.accept([message('P2', { from: '+14155550016' })]);
    const leased = await claimOnly('L');

    const byState = async (state: MessageFilter['state']) => ids(await store.search({ state }, 10));
    expect(await byState('pending')).toEqual(['P2']);
    expect(await byState('delivering')).toEqual(['L']);
    expect(await byState('delivered')).toEqual(['D', 'P']);
    expect(await byState('skipped')).toEqual(['S']);
    expect(await byState('dead')).toEqual(['X']);
    const [delivering] = await store.search({ state: 'delivering' }, 1);
    expect(delivering.leaseExpiresAt).toBe(clock.now + LEASE_MS);

    // A lease that ran out is no longer delivering: the message waits to be claimed again.
    clock.now += LEASE_MS;
    expect(await byState('delivering')).toEqual([]);
    expect(await byState('pending')).toEqual(['P2', 'L']);
    const [again] = await store.claim('worker-b', 1, LEASE_MS);
    expect(again.seq).toBe(leased.seq);
    expect(await byState('delivering')).toEqual(['L']);
  });

  test('keeps the incident id a checkpoint names, and finds by it', async () => {
    await store.accept([message('I1', { from: '+14155550021' })]);
    await store.accept([message('I2', { from: '+14155550022' })]);
    const i1 = await claimOnly('I1');
    await store.saveCheckpoint(i1.lease, { contactId: 5 });
    expect((await store.find(i1.seq))?.incidentId).toBeUndefined();
    await store.saveCheckpoint(i1.lease, { contactId: 5, incidentId: 77 });
    expect(await store.find(i1.seq)).toMatchObject({ incidentId: 77, state: 'pending' });
    await store.scheduleRetry(i1.lease, 1, clock.now + 60_000, { message: 'note failed' });
    // Delivered with the incident it made, in the same write.
    const i2 = await claimOnly('I2');
    await store.markDelivered(i2.lease, 'delivered', { contactId: 6, incidentId: 88 });
    expect(ids(await store.search({ incidentId: 77 }, 10))).toEqual(['I1']);
    expect(ids(await store.search({ incidentId: 88, state: 'delivered' }, 10))).toEqual(['I2']);
    expect(await store.search({ incidentId: 99 }, 10)).toEqual([]);
    expect(await store.find(i2.seq)).toMatchObject({
      seq: i2.seq,
      message: { messageId: 'I2' },
      state: 'delivered',
      checkpoint: { contactId: 6, incidentId: 88 },
      incidentId: 88,
      sender: '+14155550022',
      duplicates: 0,
    });
    expect(await store.find(i2.seq + 1_000)).toBeUndefined();
  });

  test('counts every re-send of a message it holds, in separate and in shared commits', async () => {
    await store.accept([message('R1')]);
    expect((await store.accept([message('R1')])).outcomes).toEqual(['duplicate']);
    // Twice in one webhook, and five webhooks committed together.
    expect((await store.accept([message('R2'), message('R2')])).outcomes).toEqual([
      'stored',
      'duplicate',
    ]);
    const together = await Promise.all(
      Array.from({ length: 5 }, () => store.accept([message('R3'), message('R1')])),
    );
    expect(together.flatMap((result) => result.outcomes).filter((o) => o === 'stored')).toEqual([
      'stored',
    ]);
    const duplicates = Object.fromEntries(
      (await store.search({}, 10)).map((m) => [m.message.messageId, m.duplicates]),
    );
    expect(duplicates).toEqual({ R1: 6, R2: 1, R3: 4 });
    // A re-send changes nothing else about the message.
    const r1 = (await store.search({ messageId: 'R1' }, 1))[0];
    expect(r1).toMatchObject({ state: 'pending', attempts: 0, updatedAt: T0 });
  });

  test('requeues the dead ones among given ids, once; checkpoints stay', async () => {
    for (const [index, id] of ['Q1', 'Q2', 'Q3'].entries()) {
      await store.accept([message(id, { from: `+1415555003${index}` })]);
    }
    const q1 = await claimOnly('Q1');
    await store.saveCheckpoint(q1.lease, { contactId: 9, incidentAttemptedAt: T0 });
    await store.deadLetter(q1.lease, 4, { message: 'refused' });
    const q2 = await claimOnly('Q2');
    await store.markDelivered(q2.lease, 'delivered', { incidentId: 3 });
    const q3 = await claimOnly('Q3');
    await store.deadLetter(q3.lease, 2, { message: 'refused' });

    clock.now += 5_000;
    expect(await store.requeueDead({ seqs: [q1.seq, q2.seq, 999_999] })).toBe(1);
    expect(await store.requeueDead({ seqs: [q1.seq, q2.seq] })).toBe(0);
    expect(await store.requeueDead({ seqs: [] })).toBe(0);
    expect(await store.find(q1.seq)).toMatchObject({
      state: 'pending',
      attempts: 0,
      nextAttemptAt: clock.now,
      checkpoint: { contactId: 9, incidentAttemptedAt: T0 },
    });
    expect((await store.find(q2.seq))?.state).toBe('delivered');
    expect((await store.find(q3.seq))?.state).toBe('dead');
  });

  test('requeues the dead ones matching a filter, and nothing for another state', async () => {
    const dead: number[] = [];
    for (const [index, [id, vendor]] of [
      ['V1', 'twilio'],
      ['V2', 'telnyx'],
      ['V3', 'telnyx'],
    ].entries()) {
      await store.accept([message(id, { vendor, from: `+1415555004${index}` })]);
      clock.now += 1_000;
    }
    for (const id of ['V1', 'V2', 'V3']) {
      const claimed = await claimOnly(id);
      await store.deadLetter(claimed.lease, 1, { message: 'refused' });
      dead.push(claimed.seq);
    }
    expect(await store.requeueDead({ filter: { state: 'delivered' } })).toBe(0);
    expect(await store.requeueDead({ filter: { state: 'pending', vendor: 'telnyx' } })).toBe(0);
    expect(
      await store.requeueDead({ filter: { vendor: 'telnyx', receivedFrom: T0 + 2_000 } }),
    ).toBe(1);
    expect(ids(await store.search({ state: 'pending' }, 10))).toEqual(['V3']);
    expect(await store.requeueDead({ filter: { state: 'dead', vendor: 'telnyx' } })).toBe(1);
    expect(await store.requeueDead({ filter: { vendor: 'telnyx' } })).toBe(0);
    expect(await store.requeueDead({ filter: {} })).toBe(1);
    expect(await store.count('dead')).toBe(0);
  });
});

/** Migration 3 on a store made before it: the incident ids already in checkpoints are kept. */
describe.each([sqliteDriver(), postgresDriver()])('inbox migration 3: $name', (driver) => {
  const test = driver.available ? it : it.skip;
  const checkpoints = [
    { id: 'B1', checkpoint: { contactId: 1, incidentId: 41 }, state: 'delivered' },
    { id: 'B2', checkpoint: { contactId: 2 }, state: 'dead' },
  ];

  test('backfills incident ids from checkpoints', async () => {
    let store: InboxStore;
    let close: () => Promise<void>;
    if (driver.name === 'sqlite') {
      const file = join(mkdtempSync(join(tmpdir(), 'inbox-v2-')), 'inbox.sqlite');
      const db = new Database(file);
      migrateSqlite(db, SQLITE_INBOX_MIGRATIONS.slice(0, 2));
      const insert = db.prepare(
        `INSERT INTO inbox_messages (vendor, message_id, payload, state, next_attempt_at,
         checkpoint, received_at, updated_at, sender) VALUES ('twilio', ?, ?, ?, 0, ?, 0, 0, '')`,
      );
      for (const row of checkpoints) {
        insert.run(
          row.id,
          JSON.stringify(message(row.id)),
          row.state,
          JSON.stringify(row.checkpoint),
        );
      }
      db.close();
      const sqlite = await SqliteInboxStore.open({ file, ...GROUP });
      store = sqlite;
      close = () => sqlite.close();
    } else {
      const schema = await freshSchema();
      const pool = new Pool({ connectionString: schema.url, max: 1 });
      await migratePostgres(pool, POSTGRES_MIGRATIONS.slice(0, 2));
      for (const row of checkpoints) {
        await pool.query(
          `INSERT INTO inbox_messages (vendor, message_id, sender, payload, state,
           next_attempt_at, checkpoint, received_at, updated_at)
           VALUES ('twilio', $1, '', $2, $3, 0, $4, 0, 0)`,
          [row.id, JSON.stringify(message(row.id)), row.state, JSON.stringify(row.checkpoint)],
        );
      }
      await migratePostgres(pool, POSTGRES_MIGRATIONS);
      await pool.end();
      const database = await openTestDatabase(schema.url);
      const postgres = new PostgresInboxStore(database, GROUP);
      store = postgres;
      close = async () => {
        await postgres.close();
        await database.close();
        await schema.drop();
      };
    }
    try {
      expect(ids(await store.search({ incidentId: 41 }, 10))).toEqual(['B1']);
      const all = await store.search({}, 10);
      expect(all.map((m) => [m.message.messageId, m.incidentId, m.duplicates])).toEqual([
        ['B2', undefined, 0],
        ['B1', 41, 0],
      ]);
    } finally {
      await close();
    }
  });
});
