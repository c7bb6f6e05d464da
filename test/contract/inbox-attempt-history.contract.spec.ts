import {
  type AttemptRecord,
  CALLS_PER_ATTEMPT,
  HISTORY_ERROR_CHARS,
  HISTORY_PER_MESSAGE,
} from '../../src/inbox/attempt-history';
import {
  type ClaimedMessage,
  type InboxStore,
  LeaseLostError,
} from '../../src/inbox/inbox-store.port';
import type { InboundMessage } from '../../src/messages/inbound-message';
import { postgresDriver, sqliteDriver } from './inbox-drivers';

const T0 = 1_795_428_000_000;
const LEASE_MS = 30_000;

function message(messageId: string, from = '+14155552671'): InboundMessage {
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

function attempt(
  outcome: AttemptRecord['outcome'],
  number: number,
  extra: Partial<AttemptRecord> = {},
): AttemptRecord {
  return {
    attempt: number,
    startedAt: T0 + number,
    durationMs: 120,
    outcome,
    calls: [
      {
        method: 'POST',
        path: 'incidents',
        startedAt: T0 + number + 1,
        durationMs: 80,
        status: 400,
        errorCode: 'OSC-CREST-00035',
      },
    ],
    ...extra,
  };
}

/**
 * The attempt history's part of the InboxStore contract, over every driver: each lease-ending
 * write records its attempt with it (fenced like it), replays record the admin, the history is
 * bounded per message, and it outlives the store being closed and opened again.
 */
describe.each([sqliteDriver(), postgresDriver()])(
  'inbox attempt history contract: $name',
  (driver) => {
    const test = driver.available ? it : it.skip;
    const clock = { now: T0 };
    const now = () => clock.now;
    let store: InboxStore;

    beforeEach(async () => {
      clock.now = T0;
      if (!driver.available) return;
      await driver.setUp();
      store = await driver.open(now);
    });
    afterEach(async () => {
      if (driver.available) await driver.tearDown();
    });

    async function claimOnly(messageId: string): Promise<ClaimedMessage> {
      const [claimed] = await store.claim('worker-a', 1, LEASE_MS);
      expect(claimed?.message.messageId).toBe(messageId);
      return claimed;
    }

    /** Lets the lease run out, so the next claim takes the message again. */
    function expireLeases(): void {
      clock.now += LEASE_MS + 1;
    }

    test('records each outcome with its attempt, in order, and nothing for other messages', async () => {
      await store.accept([message('H1'), message('H2', '+14155550001')]);
      const h1 = (await store.get('twilio', 'H1'))!;
      const h2 = (await store.get('twilio', 'H2'))!;
      expect(await store.history(h1.seq)).toEqual([]);

      let claimed = (await store.claim('worker-a', 2, LEASE_MS)).find((c) => c.seq === h1.seq)!;
      await store.scheduleRetry(
        claimed.lease,
        1,
        clock.now,
        { message: 'B2C refused' },
        {
          ...attempt('retry', 1),
          error: 'B2C refused',
        },
      );
      claimed = await claimOnly('H1');
      await store.release(claimed.lease, attempt('released', 2, { calls: [] }));
      claimed = await claimOnly('H1');
      await store.deadLetter(
        claimed.lease,
        2,
        { message: 'refused for good' },
        {
          ...attempt('dead', 2),
          error: 'refused for good',
        },
      );

      const history = await store.history(h1.seq);
      expect(history).toEqual([
        {
          id: expect.any(Number),
          kind: 'attempt',
          attempt: 1,
          startedAt: T0 + 1,
          durationMs: 120,
          outcome: 'retry',
          error: 'B2C refused',
          calls: [
            {
              method: 'POST',
              path: 'incidents',
              startedAt: T0 + 2,
              durationMs: 80,
              status: 400,
              errorCode: 'OSC-CREST-00035',
            },
          ],
        },
        {
          id: expect.any(Number),
          kind: 'attempt',
          attempt: 2,
          startedAt: T0 + 2,
          durationMs: 120,
          outcome: 'released',
          calls: [],
        },
        expect.objectContaining({
          kind: 'attempt',
          attempt: 2,
          outcome: 'dead',
          error: 'refused for good',
        }),
      ]);
      expect(history[0].id).toBeLessThan(history[1].id);
      expect(history[1].id).toBeLessThan(history[2].id);
      // The outcome was written with it.
      expect((await store.get('twilio', 'H1'))!.state).toBe('dead');
      expect(await store.history(h2.seq)).toEqual([]);
      // `limit` gives the latest entries, still oldest first.
      expect((await store.history(h1.seq, 2)).map((e) => 'outcome' in e && e.outcome)).toEqual([
        'released',
        'dead',
      ]);
      expect(await store.history(999_999)).toEqual([]);
    });

    test('records delivered and skipped outcomes with the write that ends the delivery', async () => {
      await store.accept([message('D1'), message('S1', '+14155550002')]);
      const [a, b] = await store.claim('worker-a', 2, LEASE_MS);
      const delivered = a.message.messageId === 'D1' ? a : b;
      const skipped = delivered === a ? b : a;
      await store.markDelivered(
        delivered.lease,
        'delivered',
        { contactId: 1, incidentId: 2 },
        attempt('delivered', 1, {
          calls: [{ method: 'GET', path: 'contacts', startedAt: T0, durationMs: 5, status: 200 }],
        }),
      );
      await store.markDelivered(skipped.lease, 'skipped', {}, attempt('skipped', 1, { calls: [] }));
      expect(await store.history(delivered.seq)).toEqual([
        expect.objectContaining({
          outcome: 'delivered',
          calls: [{ method: 'GET', path: 'contacts', startedAt: T0, durationMs: 5, status: 200 }],
        }),
      ]);
      expect(await store.history(skipped.seq)).toEqual([
        expect.objectContaining({ outcome: 'skipped', calls: [] }),
      ]);
    });

    test('a stale lease writes nothing, the history included', async () => {
      await store.accept([message('F1')]);
      const stale = await claimOnly('F1');
      expireLeases();
      const current = await claimOnly('F1');
      await expect(
        store.markDelivered(stale.lease, 'delivered', {}, attempt('delivered', 1)),
      ).rejects.toBeInstanceOf(LeaseLostError);
      await expect(
        store.scheduleRetry(stale.lease, 1, clock.now, { message: 'x' }, attempt('retry', 1)),
      ).rejects.toBeInstanceOf(LeaseLostError);
      await expect(
        store.deadLetter(stale.lease, 1, { message: 'x' }, attempt('dead', 1)),
      ).rejects.toBeInstanceOf(LeaseLostError);
      // Giving up a lease no longer held is a no-op, and records nothing either.
      await store.release(stale.lease, attempt('released', 1));
      expect(await store.history(current.seq)).toEqual([]);
      // The holder's write records its attempt.
      await store.markDelivered(current.lease, 'delivered', {}, attempt('delivered', 1));
      expect(await store.history(current.seq)).toHaveLength(1);
      // Once the message is delivered, even the last holder's lease writes nothing more.
      await store.release(current.lease, attempt('released', 1));
      expect(await store.history(current.seq)).toHaveLength(1);
    });

    test('records a replay with the admin who asked, for each message requeued, and none without one', async () => {
      await store.accept([
        message('R1'),
        message('R2', '+14155550003'),
        message('R3', '+14155550004'),
      ]);
      for (const claimed of await store.claim('worker-a', 3, LEASE_MS)) {
        await store.deadLetter(claimed.lease, 1, { message: 'dead' }, attempt('dead', 1));
      }
      const seq = async (id: string) => (await store.get('twilio', id))!.seq;
      clock.now = T0 + 5_000;
      expect(await store.requeueDead({ seq: await seq('R1') }, 'alice@example.com')).toBe(1);
      expect(await store.requeueDead({ filter: { messageId: 'R2' } }, 'bob@example.com')).toBe(1);
      // A replay by no one (the store's own callers) records nothing.
      expect(await store.requeueDead({ seqs: [await seq('R3')] })).toBe(1);
      const replays = async (id: string) =>
        (await store.history(await seq(id))).filter((entry) => entry.kind === 'replay');
      expect(await replays('R1')).toEqual([
        { id: expect.any(Number), kind: 'replay', at: T0 + 5_000, by: 'alice@example.com' },
      ]);
      expect(await replays('R2')).toEqual([
        { id: expect.any(Number), kind: 'replay', at: T0 + 5_000, by: 'bob@example.com' },
      ]);
      expect(await replays('R3')).toEqual([]);
      // Newest last: the dead attempt, then the replay.
      expect((await store.history(await seq('R1'))).map((entry) => entry.kind)).toEqual([
        'attempt',
        'replay',
      ]);
      // Nothing dead is left: a replay of nothing records nothing.
      expect(await store.requeueDead({ all: true }, 'carol@example.com')).toBe(0);
      expect(await replays('R1')).toHaveLength(1);
      // Every dead one, by vendor and by ids, records too.
      for (const claimed of await store.claim('worker-a', 3, LEASE_MS)) {
        await store.deadLetter(claimed.lease, 1, { message: 'dead' }, attempt('dead', 1));
      }
      expect(await store.requeueDead({ all: true, vendor: 'twilio' }, 'carol@example.com')).toBe(3);
      expect((await replays('R3')).map((entry) => entry.kind === 'replay' && entry.by)).toEqual([
        'carol@example.com',
      ]);
    });

    test('keeps the latest entries per message, deleting older ones in the same write', async () => {
      await store.accept([message('B1'), message('B2', '+14155550005')]);
      const b1 = (await store.get('twilio', 'B1'))!.seq;
      const total = HISTORY_PER_MESSAGE + 7;
      for (let n = 1; n <= total; n += 1) {
        const claimed = (await store.claim('worker-a', 2, LEASE_MS)).find((c) => c.seq === b1)!;
        await store.release(claimed.lease, attempt('released', n));
        // The other message's lease, if taken, is given back without history.
        for (const other of await store.claim('worker-b', 2, LEASE_MS))
          await store.release(other.lease);
      }
      const kept = await store.history(b1, 1_000);
      expect(kept).toHaveLength(HISTORY_PER_MESSAGE);
      expect(kept.map((entry) => entry.kind === 'attempt' && entry.attempt)).toEqual(
        Array.from({ length: HISTORY_PER_MESSAGE }, (_, i) => total - HISTORY_PER_MESSAGE + 1 + i),
      );
      // Only B1's own entries were trimmed: B2 has none, and none of B1's were lost to it.
      expect(await store.history((await store.get('twilio', 'B2'))!.seq)).toEqual([]);
      // The replay entries count towards the bound too.
      const claimed = await store.claim('worker-a', 2, LEASE_MS);
      for (const c of claimed)
        await store.deadLetter(c.lease, 1, { message: 'x' }, attempt('dead', 1));
      await store.requeueDead({ seq: b1 }, 'alice@example.com');
      const after = await store.history(b1, 1_000);
      expect(after).toHaveLength(HISTORY_PER_MESSAGE);
      expect(after[after.length - 1]).toMatchObject({ kind: 'replay', by: 'alice@example.com' });
    });

    test('bounds the calls and the error text of one attempt', async () => {
      await store.accept([message('C1')]);
      const claimed = await claimOnly('C1');
      const calls = Array.from({ length: CALLS_PER_ATTEMPT + 5 }, (_, i) => ({
        method: 'GET',
        path: `contacts/${i}`,
        startedAt: T0 + i,
        durationMs: 1,
        status: 200,
      }));
      await store.scheduleRetry(
        claimed.lease,
        1,
        clock.now,
        { message: 'x' },
        {
          ...attempt('retry', 1),
          calls,
          error: 'e'.repeat(HISTORY_ERROR_CHARS * 3),
        },
      );
      const [entry] = await store.history(claimed.seq);
      if (entry.kind !== 'attempt') throw new Error('expected an attempt');
      expect(entry.calls).toHaveLength(CALLS_PER_ATTEMPT);
      // The latest calls are kept: the last one is the one that failed, if any.
      expect(entry.calls[entry.calls.length - 1].path).toBe(`contacts/${CALLS_PER_ATTEMPT + 4}`);
      expect(entry.callsOmitted).toBe(5);
      expect(entry.error).toHaveLength(HISTORY_ERROR_CHARS);
    });

    test('keeps the history across closing and opening the store again', async () => {
      await store.accept([message('K1')]);
      const claimed = await claimOnly('K1');
      await store.deadLetter(
        claimed.lease,
        1,
        { message: 'x' },
        { ...attempt('dead', 1), error: 'x' },
      );
      await store.requeueDead({ seq: claimed.seq }, 'alice@example.com');
      const before = await store.history(claimed.seq);
      expect(before).toHaveLength(2);
      await store.close();
      const reopened = await driver.open(now);
      expect(await reopened.history(claimed.seq)).toEqual(before);
    });
  },
);
