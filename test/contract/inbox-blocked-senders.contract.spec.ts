import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { blockedSendersStatement } from '../../src/inbox/drivers/blocked-senders.sql';
import { SqliteInboxStore } from '../../src/inbox/drivers/sqlite/sqlite-inbox.store';
import type { ClaimedMessage, InboxStore } from '../../src/inbox/inbox-store.port';
import type { InboundMessage } from '../../src/messages/inbound-message';
import { GROUP, postgresDriver, sqliteDriver } from './inbox-drivers';

const T0 = 1_795_428_000_000;
const LEASE_MS = 30_000;

function message(messageId: string, from: string): InboundMessage {
  return {
    vendor: 'twilio',
    messageId,
    kind: 'sms',
    from,
    to: '+14155550100',
    text: `hello ${messageId}`,
    media: [],
    receivedAt: new Date(0).toISOString(),
    raw: { MessageSid: messageId },
  };
}

const A = '+14155550001';
const B = '+14155550002';
const C = '+14155550003';
const E = '+14155550005';

/**
 * `blockedSenders`: senders whose oldest pending message has failed at least once, with the
 * later pending messages behind it, oldest blocking message first; over every driver.
 */
describe.each([sqliteDriver(), postgresDriver()])(
  'inbox blocked senders contract: $name',
  (driver) => {
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

    /** Claims every due message and returns the one named `messageId` (the others released). */
    async function claim(messageId: string): Promise<ClaimedMessage> {
      const claimed = await store.claim('worker-a', 100, LEASE_MS);
      const chosen = claimed.find((c) => c.message.messageId === messageId);
      for (const other of claimed) if (other !== chosen) await store.release(other.lease);
      if (!chosen) throw new Error(`${messageId} was not claimable`);
      return chosen;
    }

    /** Claims and delivers `sender`'s messages until none is left pending. */
    async function deliverAllOf(sender: string): Promise<void> {
      for (let round = 0; round < 10; round += 1) {
        const claimed = await store.claim('worker-a', 100, LEASE_MS);
        const mine = claimed.find((c) => c.lease.sender === sender);
        for (const other of claimed) if (other !== mine) await store.release(other.lease);
        if (!mine) return;
        await store.markDelivered(mine.lease, 'delivered', { incidentId: 100 + round });
      }
      throw new Error(`${sender} still has messages after 10 rounds`);
    }

    test('is empty when nothing failed, however much is pending', async () => {
      await store.accept([message('A1', A), message('A2', A), message('B1', B)]);
      expect(await store.blockedSenders(10)).toEqual([]);
    });

    test('lists each sender held by a failing oldest message, with what waits behind it', async () => {
      await store.accept([message('A1', A), message('B1', B)]);
      clock.now += 10;
      await store.accept([message('A2', A), message('A3', A), message('C1', C), message('E1', E)]);
      clock.now += 10;
      await store.accept([message('C2', C), message('E2', E)]);
      clock.now += 10;

      const error = { message: 'B2C answered 400', retryable: true, at: 'then' };
      // A: its oldest message failed twice and is due again in a minute; A2 and A3 wait.
      await store.scheduleRetry((await claim('A1')).lease, 2, clock.now + 60_000, error);
      // C: C1 delivered, then C2 failed: C2 is now C's oldest pending message.
      await store.markDelivered((await claim('C1')).lease, 'delivered', { incidentId: 7 });
      await store.scheduleRetry((await claim('C2')).lease, 1, clock.now + 5_000, error);
      // E: E1 died (no longer pending) and E2 has not been tried: E is not blocked.
      await store.deadLetter((await claim('E1')).lease, 3, error);
      // B: B1 has not failed, only waits its turn.

      const blocked = await store.blockedSenders(10);
      const a1 = await store.get('twilio', 'A1');
      const c2 = await store.get('twilio', 'C2');
      expect(blocked).toEqual([
        {
          sender: A,
          blocking: {
            seq: a1!.seq,
            vendor: 'twilio',
            messageId: 'A1',
            attempts: 2,
            nextAttemptAt: T0 + 30 + 60_000,
            receivedAt: T0,
            lastError: error,
          },
          waiting: 2,
        },
        {
          sender: C,
          blocking: {
            seq: c2!.seq,
            vendor: 'twilio',
            messageId: 'C2',
            attempts: 1,
            nextAttemptAt: T0 + 30 + 5_000,
            receivedAt: T0 + 20,
            lastError: error,
          },
          waiting: 0,
        },
      ]);
      expect((await store.blockedSenders(1)).map((b) => b.sender)).toEqual([A]);

      // Once A's messages are delivered (in whatever order the store hands them out), A is free.
      clock.now += 60_000;
      await deliverAllOf(A);
      expect((await store.blockedSenders(10)).map((b) => b.sender)).toEqual([C]);
      // A failing message under delivery again still blocks its sender.
      const again = await claim('C2');
      expect((await store.blockedSenders(10)).map((b) => b.blocking.messageId)).toEqual(['C2']);
      await store.markDelivered(again.lease, 'delivered', { incidentId: 9 });
      expect(await store.blockedSenders(10)).toEqual([]);
    });

    test('a replayed dead letter (attempts reset) blocks nothing until it fails again', async () => {
      await store.accept([message('R1', A), message('R2', A)]);
      await store.deadLetter((await claim('R1')).lease, 3, { message: 'refused' });
      await store.scheduleRetry((await claim('R2')).lease, 1, clock.now + 1000, { message: 'x' });
      expect((await store.blockedSenders(10)).map((b) => b.blocking.messageId)).toEqual(['R2']);
      await store.requeueDead({ seq: (await store.get('twilio', 'R1'))!.seq });
      // R1 is pending again with no failed attempt: it is A's oldest, and not failing.
      expect(await store.blockedSenders(10)).toEqual([]);
    });

    (driver.postgres && driver.available ? it : it.skip)(
      'reads through its indexes, not through every pending message',
      async () => {
        const plan = await driver.postgres!.database().transaction(async (client) => {
          // Tables this small are read whole anyway; this asks whether the indexes serve the query.
          await client.query('SET LOCAL enable_seqscan = off');
          const { rows } = await client.query<{ 'QUERY PLAN': string }>(
            `EXPLAIN ${blockedSendersStatement('10', 'postgres')}`,
          );
          return rows.map((row) => row['QUERY PLAN']).join('\n');
        });
        expect(plan).toContain('inbox_messages_failing');
        expect(plan).toContain('inbox_messages_sender_pending');
        expect(plan).not.toMatch(/Seq Scan|Sort/);
      },
    );
  },
);

describe('inbox blocked senders on SQLite: the query plan', () => {
  it("reads the failing messages and each sender's pending messages by index, unsorted", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blocked-senders-'));
    const file = join(dir, 'inbox.sqlite');
    const store = await SqliteInboxStore.open({ file, ...GROUP });
    await store.close();
    const db = new Database(file, { readonly: true });
    try {
      const plan = (
        db.prepare(`EXPLAIN QUERY PLAN ${blockedSendersStatement('?', 'sqlite')}`).all(10) as {
          detail: string;
        }[]
      )
        .map((row) => row.detail)
        .join('\n');
      expect(plan).toContain('inbox_messages_failing');
      expect(plan).toContain('inbox_messages_sender_pending');
      expect(plan).not.toMatch(/TEMP B-TREE|SCAN inbox_messages(?! USING)/);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
