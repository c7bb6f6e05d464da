import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { StoreUnavailableError } from '../../src/common/problem/gateway-error';
import {
  type ClaimedMessage,
  type InboxStore,
  type Lease,
  LeaseLostError,
  type ReplayClaim,
} from '../../src/inbox/inbox-store.port';
import type { InboundMessage } from '../../src/messages/inbound-message';
import { TEST_DATABASE_URL } from '../support/postgres';
import { postgresDriver, sqliteDriver } from './inbox-drivers';

let nextSender = 0;
/** A sender of its own per message unless one is given: one lease per sender is a rule. */
function message(messageId: string, from?: string, vendor = 'twilio'): InboundMessage {
  nextSender += 1;
  return {
    vendor,
    messageId,
    kind: 'sms',
    from: from ?? `+1415555${String(nextSender % 10_000).padStart(4, '0')}`,
    to: '+14155550100',
    text: `hello ${messageId}`,
    media: [],
    receivedAt: new Date(0).toISOString(),
    raw: { MessageSid: messageId },
  };
}

const ids = (messages: { message: InboundMessage }[]) => messages.map((m) => m.message.messageId);
const LEASE_MS = 30_000;
const T0 = 1_795_428_000_000;

/**
 * The InboxStore contract, run over every driver (as @nestjs/throttler runs its e2e suites over
 * every storage; the drivers are in inbox-drivers.ts). The message log's part is in
 * inbox-message-log.contract.spec.ts.
 */
describe.each([sqliteDriver(), postgresDriver()])('inbox store contract: $name', (driver) => {
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

  /** The store's view of one message, for "changed nothing" checks. */
  const stored = (id: string) => store.get('twilio', id);

  describe('accept', () => {
    test('stores a webhook’s messages together and reports each outcome in order', async () => {
      await store.accept([message('A2')]);
      expect(await store.accept([message('A1'), message('A2'), message('A3')])).toEqual({
        outcomes: ['stored', 'duplicate', 'stored'],
      });
      // The same message twice in one webhook: stored once.
      expect(await store.accept([message('A4'), message('A4')])).toEqual({
        outcomes: ['stored', 'duplicate'],
      });
      expect(await store.count('pending')).toBe(4);
      const a1 = await stored('A1');
      expect(a1).toMatchObject({
        message: { messageId: 'A1', text: 'hello A1' },
        state: 'pending',
        attempts: 0,
        nextAttemptAt: T0,
        checkpoint: {},
        receivedAt: T0,
        updatedAt: T0,
      });
      expect(a1!.lastError).toBeUndefined();
      expect(await store.get('twilio', 'nope')).toBeUndefined();
    });

    test('dedupes concurrent deliveries of one message committed in the same group', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () => store.accept([message('D1')])),
      );
      expect(results.flatMap((r) => r.outcomes).sort()).toEqual([
        'duplicate',
        'duplicate',
        'duplicate',
        'duplicate',
        'stored',
      ]);
    });

    test('takes ids PostgreSQL TEXT cannot hold as they are (U+0000)', async () => {
      expect(await store.accept([message('N\u00001')])).toEqual({ outcomes: ['stored'] });
      expect(await store.accept([message('N\u00001')])).toEqual({ outcomes: ['duplicate'] });
      expect((await store.get('twilio', 'N\u00001'))?.message.messageId).toBe('N\u00001');
    });

    test('claims a replay key once, with its messages; an expired key may be claimed again', async () => {
      const claim = { key: 'sinch:nonce-1', expiresAt: T0 + 5_000 };
      expect(await store.accept([message('R1')], claim)).toEqual({ outcomes: ['stored'] });
      // Same nonce, new messages: a replay, refused whole, also within one commit group.
      const [again, concurrent] = await Promise.all([
        store.accept([message('R2'), message('R2b')], claim),
        store.accept([message('R3')], claim),
      ]);
      expect(again).toEqual({ outcomes: [], replayed: true });
      expect(concurrent).toEqual({ outcomes: [], replayed: true });
      expect(await stored('R2')).toBeUndefined();
      expect(await stored('R2b')).toBeUndefined();
      // Two new keys in one group: the first webhook of each claims it.
      const [first, second, third] = await Promise.all([
        store.accept([message('R4')], { key: 'sinch:nonce-2', expiresAt: T0 + 5_000 }),
        store.accept([message('R5')], { key: 'sinch:nonce-2', expiresAt: T0 + 5_000 }),
        store.accept([message('R6')], { key: 'sinch:nonce-3', expiresAt: T0 + 5_000 }),
      ]);
      expect([first, second, third]).toEqual([
        { outcomes: ['stored'] },
        { outcomes: [], replayed: true },
        { outcomes: ['stored'] },
      ]);
      clock.now = T0 + 5_000;
      expect(
        await store.accept([message('R7')], { key: 'sinch:nonce-1', expiresAt: T0 + 9_000 }),
      ).toEqual({ outcomes: ['stored'] });
      expect(
        await store.accept([message('R8')], { key: 'sinch:nonce-1', expiresAt: T0 + 9_000 }),
      ).toEqual({ outcomes: [], replayed: true });
    });
  });

  describe('claims and leases', () => {
    test('leases up to `limit`, oldest due first, leaving what is not due yet', async () => {
      await store.accept([message('C1'), message('C2')]);
      clock.now += 10;
      await store.accept([message('C3'), message('C4'), message('C5')]);
      const claimed = await store.claim('worker-a', 3, LEASE_MS);
      expect(ids(claimed)).toEqual(['C1', 'C2', 'C3']);
      const [c1] = claimed;
      expect(c1.lease).toEqual({
        seq: c1.seq,
        sender: c1.message.from,
        owner: 'worker-a',
        token: expect.any(Number),
        expiresAt: clock.now + LEASE_MS,
      });
      expect(c1).toMatchObject({ state: 'pending', attempts: 0, checkpoint: {} });
      // A message whose retry is not due is passed over; it comes when it is due.
      await store.scheduleRetry(claimed[1].lease, 1, clock.now + 1_000, { message: 'timeout' });
      expect(ids(await store.claim('worker-a', 10, LEASE_MS))).toEqual(['C4', 'C5']);
      expect(await store.claim('worker-a', 10, LEASE_MS)).toEqual([]);
      clock.now += 999;
      expect(await store.claim('worker-a', 10, LEASE_MS)).toEqual([]);
      clock.now += 1;
      expect(ids(await store.claim('worker-a', 10, LEASE_MS))).toEqual(['C2']);
      expect(await store.claim('worker-a', 0, LEASE_MS)).toEqual([]);
    });

    test('leases one message per sender at a time, the sender’s oldest due first', async () => {
      const s = '+14155550001';
      await store.accept([message('S1', s), message('S2', s), message('T1', '+14155550002')]);
      await store.accept([message('S3', s)]);
      const first = await store.claim('worker-a', 10, LEASE_MS);
      expect(ids(first)).toEqual(['S1', 'T1']);
      expect(await store.claim('worker-b', 10, LEASE_MS)).toEqual([]);
      await store.markDelivered(first[0].lease, 'delivered', { contactId: 1, incidentId: 2 });
      const second = await store.claim('worker-b', 10, LEASE_MS);
      expect(ids(second)).toEqual(['S2']);
      expect(second[0].lease).toMatchObject({ sender: s, owner: 'worker-b' });
      await store.deadLetter(second[0].lease, 1, { message: 'refused' });
      expect(ids(await store.claim('worker-b', 10, LEASE_MS))).toEqual(['S3']);
    });

    test('an expired lease lets another owner claim the message, and fences the old one', async () => {
      await store.accept([message('E1')]);
      const [old] = await store.claim('worker-a', 1, 1_000);
      await store.saveCheckpoint(old.lease, { contactId: 7 });
      clock.now += 999;
      expect(await store.claim('worker-b', 1, 1_000)).toEqual([]);
      clock.now += 1;
      const [taken] = await store.claim('worker-b', 1, LEASE_MS);
      expect(taken.seq).toBe(old.seq);
      expect(taken.lease.owner).toBe('worker-b');
      expect(taken.lease.token).toBeGreaterThan(old.lease.token);
      // The checkpoint saved under the old lease is where the new one resumes.
      expect(taken.checkpoint).toEqual({ contactId: 7 });

      const before = await stored('E1');
      const lost = await Promise.allSettled([
        store.saveCheckpoint(old.lease, { contactId: 8 }),
        store.markDelivered(old.lease, 'delivered', { contactId: 8, incidentId: 9 }),
        store.scheduleRetry(old.lease, 1, clock.now + 60_000, { message: 'late' }),
        store.deadLetter(old.lease, 1, { message: 'late' }),
        store.renew(old.lease, LEASE_MS),
      ]);
      for (const write of lost) {
        expect(write.status === 'rejected' && write.reason).toBeInstanceOf(LeaseLostError);
      }
      expect(await stored('E1')).toEqual(before);
      // Releasing a lease no longer held is a no-op: the new holder keeps it.
      await store.release(old.lease);
      expect(await store.claim('worker-c', 1, LEASE_MS)).toEqual([]);
      await store.markDelivered(taken.lease, 'delivered', { contactId: 7, incidentId: 9 });
      expect(await stored('E1')).toMatchObject({
        state: 'delivered',
        checkpoint: { contactId: 7, incidentId: 9 },
      });
    });

    test('renewal keeps a lease from being taken', async () => {
      await store.accept([message('K1')]);
      const [claimed] = await store.claim('worker-a', 1, 1_000);
      clock.now += 900;
      const renewed = await store.renew(claimed.lease, 1_000);
      expect(renewed).toEqual({ ...claimed.lease, expiresAt: clock.now + 1_000 });
      clock.now += 999;
      expect(await store.claim('worker-b', 1, 1_000)).toEqual([]);
      await store.saveCheckpoint(renewed, { contactId: 3 });
      clock.now += 1;
      const [taken] = await store.claim('worker-b', 1, 1_000);
      expect(taken.seq).toBe(claimed.seq);
      await expect(store.renew(renewed, 1_000)).rejects.toBeInstanceOf(LeaseLostError);
    });

    test('release makes the message claimable at once, and fences the released lease', async () => {
      await store.accept([message('L1')]);
      const [claimed] = await store.claim('worker-a', 1, LEASE_MS);
      await store.saveCheckpoint(claimed.lease, { contactId: 4, incidentAttemptedAt: T0 });
      await store.release(claimed.lease);
      await store.release(claimed.lease);
      await expect(store.saveCheckpoint(claimed.lease, { contactId: 5 })).rejects.toBeInstanceOf(
        LeaseLostError,
      );
      const [again] = await store.claim('worker-b', 1, LEASE_MS);
      expect(again).toMatchObject({
        seq: claimed.seq,
        checkpoint: { contactId: 4, incidentAttemptedAt: T0 },
        lease: { owner: 'worker-b' },
      });
      expect(again.lease.token).toBeGreaterThan(claimed.lease.token);
    });

    test('a lease ended by a retry or a finish fences every later write of it', async () => {
      await store.accept([message('F1'), message('F2')]);
      const [f1, f2] = await store.claim('worker-a', 2, LEASE_MS);
      await store.scheduleRetry(f1.lease, 1, clock.now + 60_000, { message: 'timeout' });
      await store.markDelivered(f2.lease, 'skipped', {});
      for (const lease of [f1.lease, f2.lease]) {
        await expect(store.saveCheckpoint(lease, { contactId: 1 })).rejects.toBeInstanceOf(
          LeaseLostError,
        );
        await expect(store.renew(lease, LEASE_MS)).rejects.toBeInstanceOf(LeaseLostError);
        await expect(
          store.markDelivered(lease, 'delivered', { incidentId: 1 }),
        ).rejects.toBeInstanceOf(LeaseLostError);
      }
      expect(await stored('F1')).toMatchObject({ state: 'pending', checkpoint: {} });
      expect(await stored('F2')).toMatchObject({ state: 'skipped', checkpoint: {} });
    });
  });

  describe('retries and dead letters', () => {
    test('a retry records the attempt and frees the sender for its next message', async () => {
      const s = '+14155550003';
      await store.accept([message('P1', s), message('P2', s)]);
      const [p1] = await store.claim('worker-a', 10, LEASE_MS);
      clock.now += 5;
      const error = { message: 'B2C timed out', retryable: true };
      await store.scheduleRetry(p1.lease, 1, clock.now + 60_000, error);
      expect(await stored('P1')).toMatchObject({
        state: 'pending',
        attempts: 1,
        nextAttemptAt: clock.now + 60_000,
        lastError: error,
        updatedAt: clock.now,
      });
      const [p2] = await store.claim('worker-a', 10, LEASE_MS);
      expect(p2.message.messageId).toBe('P2');
      await store.markDelivered(p2.lease, 'delivered', { incidentId: 1 });
      expect(await store.nextDueAt()).toBe(clock.now + 60_000);
      clock.now += 60_000;
      const [retried] = await store.claim('worker-b', 10, LEASE_MS);
      expect(retried).toMatchObject({ seq: p1.seq, attempts: 1, lastError: error });
      expect(retried.lease.token).toBeGreaterThan(p1.lease.token);
    });

    test('dead letters page in arrival order; requeue one, one vendor’s or all', async () => {
      const other = message('V1', undefined, 'vonage-sms');
      await store.accept([message('D1'), message('D2'), message('D3'), other, message('OK')]);
      const claimed = await store.claim('worker-a', 10, LEASE_MS);
      const seqOf = (id: string) => claimed.find((m) => m.message.messageId === id)!.seq;
      for (const m of claimed.filter((c) => c.message.messageId !== 'OK')) {
        await store.saveCheckpoint(m.lease, { contactId: 7, incidentAttemptedAt: 900 });
        await store.deadLetter(m.lease, 4, { message: `B2C refused ${m.message.messageId}` });
      }
      const firstPage = await store.list('dead', 2);
      expect(ids(firstPage)).toEqual(['D1', 'D2']);
      expect(ids(await store.list('dead', 2, firstPage[1].seq))).toEqual(['D3', 'V1']);
      expect(await store.list('dead', 2, seqOf('V1'))).toEqual([]);
      expect(firstPage[0]).toMatchObject({ state: 'dead', attempts: 4 });

      clock.now += 1_000;
      expect(await store.requeueDead({ seq: seqOf('OK') })).toBe(0);
      expect(await store.requeueDead({ seq: 999_999 })).toBe(0);
      expect(await store.requeueDead({ seq: seqOf('D2') })).toBe(1);
      expect(await store.get('twilio', 'D2')).toMatchObject({
        state: 'pending',
        attempts: 0,
        nextAttemptAt: clock.now,
        checkpoint: { contactId: 7, incidentAttemptedAt: 900 },
        lastError: { message: 'B2C refused D2' },
      });
      expect(await store.requeueDead({ seq: seqOf('D2') })).toBe(0);
      // Requeued, it is claimable again, checkpoint and all.
      const [d2] = await store.claim('worker-b', 10, LEASE_MS);
      expect(d2).toMatchObject({ seq: seqOf('D2'), checkpoint: { contactId: 7 } });

      expect(await store.requeueDead({ all: true, vendor: 'vonage-sms' })).toBe(1);
      expect(ids(await store.list('dead', 10))).toEqual(['D1', 'D3']);
      expect(await store.requeueDead({ all: true })).toBe(2);
      expect(await store.requeueDead({ all: true })).toBe(0);
      expect(await store.count('dead')).toBe(0);
    });

    test('counts every state, and one state', async () => {
      expect(await store.counts()).toEqual({ pending: 0, delivered: 0, skipped: 0, dead: 0 });
      await store.accept([message('N1'), message('N2'), message('N3'), message('N4')]);
      const [n1, n2, n3] = await store.claim('worker-a', 3, LEASE_MS);
      await store.markDelivered(n1.lease, 'delivered', { incidentId: 1 });
      await store.markDelivered(n2.lease, 'skipped', {});
      await store.deadLetter(n3.lease, 1, { message: 'refused' });
      expect(await store.counts()).toEqual({ pending: 1, delivered: 1, skipped: 1, dead: 1 });
      expect(await store.count('pending')).toBe(1);
      expect(await store.count('dead')).toBe(1);
      expect(ids(await store.list('delivered', 10))).toEqual(['N1']);
    });

    test('nextDueAt is the earliest attempt among pending messages', async () => {
      expect(await store.nextDueAt()).toBeUndefined();
      await store.accept([message('U1'), message('U2')]);
      expect(await store.nextDueAt()).toBe(T0);
      const [u1, u2] = await store.claim('worker-a', 2, LEASE_MS);
      await store.scheduleRetry(u1.lease, 1, T0 + 500, { message: 'x' });
      await store.markDelivered(u2.lease, 'delivered', {});
      expect(await store.nextDueAt()).toBe(T0 + 500);
      clock.now = T0 + 500;
      const [again] = await store.claim('worker-a', 1, LEASE_MS);
      await store.deadLetter(again.lease, 2, { message: 'x' });
      expect(await store.nextDueAt()).toBeUndefined();
    });
  });

  describe('wake-ups, probe and close', () => {
    test('wakes listeners when messages are stored or requeued, until removed', async () => {
      let wakes = 0;
      const remove = store.onWake(() => (wakes += 1));
      await store.accept([message('W1')]);
      expect(wakes).toBeGreaterThan(0);
      const [w1] = await store.claim('worker-a', 1, LEASE_MS);
      await store.deadLetter(w1.lease, 1, { message: 'x' });
      wakes = 0;
      await store.requeueDead({ all: true });
      expect(wakes).toBeGreaterThan(0);
      remove();
      wakes = 0;
      await store.accept([message('W2')]);
      await store.requeueDead({ all: true });
      expect(wakes).toBe(0);
    });

    test('probeWrite commits through the commit path', async () => {
      await expect(store.probeWrite()).resolves.toBeUndefined();
      await expect(
        Promise.all([store.probeWrite(), store.accept([message('B1')])]),
      ).resolves.toEqual([undefined, { outcomes: ['stored'] }]);
    });

    test('close commits what was accepted, then refuses with StoreUnavailableError', async () => {
      const accepted = store.accept([message('Z1')]);
      await store.close();
      await expect(accepted).resolves.toEqual({ outcomes: ['stored'] });
      await expect(store.accept([message('Z2')])).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.probeWrite()).rejects.toBeInstanceOf(StoreUnavailableError);
      // The same store again (SQLite allows one instance at a time: this one is closed).
      const reopened = await driver.open(now);
      expect(await reopened.count('pending')).toBe(1);
    });
  });

  if (driver.shared) {
    describe('two processes on one store', () => {
      let other: InboxStore;
      beforeEach(async () => {
        if (driver.available) other = await driver.open(now);
      });

      test('dedupe across processes, concurrently: each message stored once', async () => {
        const batch = (prefix: string) =>
          Array.from({ length: 20 }, (_, i) => message(`${prefix}${i}`, `+1415556${1000 + i}`));
        const webhooks = Array.from({ length: 10 }, (_, w) => batch(`X${w}-`));
        // In opposite orders: should the two commits deadlock, the one PostgreSQL picks reruns.
        const results = await Promise.all([
          ...webhooks.map((messages) => store.accept(messages)),
          ...[...webhooks].reverse().map((messages) => other.accept(messages)),
        ]);
        const outcomes = results.flatMap((r) => r.outcomes);
        expect(outcomes.filter((o) => o === 'stored')).toHaveLength(200);
        expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(200);
        // Resolved means committed: the other process reads it at once.
        expect(await other.count('pending')).toBe(200);
        expect((await other.get('twilio', 'X9-19'))?.message.messageId).toBe('X9-19');
      });

      test('a replay key is claimed by one process only', async () => {
        const claim = { key: 'sinch:shared', expiresAt: T0 + 60_000 };
        const results = await Promise.all([
          store.accept([message('Q1')], claim),
          other.accept([message('Q2')], claim),
        ]);
        expect(results.filter((r) => r.replayed)).toHaveLength(1);
        expect(await store.count('pending')).toBe(1);
      });

      test('concurrent claims never lease two messages of one sender', async () => {
        const senders = Array.from({ length: 12 }, (_, i) => `+1415557${1000 + i}`);
        const messages = senders.flatMap((s, i) =>
          Array.from({ length: 6 }, (_, n) => message(`M${i}-${n}`, s)),
        );
        for (let i = 0; i < messages.length; i += 9) await store.accept(messages.slice(i, i + 9));
        const held = new Map<string, Lease>();
        const delivered = new Set<number>();
        let violations = 0;
        const worker = async (instance: InboxStore, owner: string) => {
          for (let turn = 0; turn < 400 && delivered.size < messages.length; turn += 1) {
            const claimed: ClaimedMessage[] = await instance.claim(owner, 4, LEASE_MS);
            for (const { lease } of claimed) {
              if (held.has(lease.sender)) violations += 1;
              held.set(lease.sender, lease);
            }
            // Give the sender up before the write is sent: a claim of it afterwards is legal.
            await Promise.all(
              claimed.map(async ({ lease }) => {
                held.delete(lease.sender);
                await instance.markDelivered(lease, 'delivered', {});
                if (delivered.has(lease.seq)) violations += 1;
                delivered.add(lease.seq);
              }),
            );
          }
        };
        await Promise.all([
          worker(store, 'a1'),
          worker(other, 'b1'),
          worker(store, 'a2'),
          worker(other, 'b2'),
        ]);
        expect(violations).toBe(0);
        expect(delivered.size).toBe(messages.length);
        expect(await store.count('delivered')).toBe(messages.length);
        const leases = await driver.postgres!.admin('SELECT count(*)::int AS n FROM sender_leases');
        expect(leases[0].n).toBe(0);
      });

      test('an expired lease is taken over by the other process, which fences the first', async () => {
        await store.accept([message('H1')]);
        const [first] = await store.claim('proc-a', 1, 1_000);
        clock.now += 1_000;
        const [taken] = await other.claim('proc-b', 1, LEASE_MS);
        expect(taken.seq).toBe(first.seq);
        await expect(store.saveCheckpoint(first.lease, { contactId: 1 })).rejects.toBeInstanceOf(
          LeaseLostError,
        );
        await other.markDelivered(taken.lease, 'delivered', { incidentId: 1 });
        expect(await store.count('delivered')).toBe(1);
      });

      test('wakes the other process’s listeners on accept and on requeue', async () => {
        let wakes = 0;
        other.onWake(() => (wakes += 1));
        // LISTEN is issued as the store is made: until it is in place a notification is missed.
        for (let i = 0; wakes === 0 && i < 50; i += 1) {
          await store.accept([message(`WK${i}`)]);
          await sleep(50);
        }
        expect(wakes).toBeGreaterThan(0);
        const [claimed] = await store.claim('proc-a', 1, LEASE_MS);
        await store.deadLetter(claimed.lease, 1, { message: 'x' });
        wakes = 0;
        await store.requeueDead({ seq: claimed.seq });
        await until(() => wakes > 0);
      });
    });
  }

  if (driver.postgres) {
    const pg = driver.postgres;

    describe('postgres: failures', () => {
      test('a webhook PostgreSQL refuses fails alone; the rest of its commit group is stored', async () => {
        // Longer than a B-tree entry may be, and incompressible: the unique index refuses it.
        const huge = randomBytes(12_000).toString('base64');
        const results = await Promise.allSettled([
          store.accept([message('G1')]),
          store.accept([message('G2'), message(huge)]),
          store.accept([message('G3')]),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        const refused = (results[1] as PromiseRejectedResult).reason as Error;
        expect(refused).toBeInstanceOf(StoreUnavailableError);
        expect(refused.message).toMatch(/^the inbox could not commit accepted messages: 54000/);
        expect(await stored('G2')).toBeUndefined();
        expect(await store.count('pending')).toBe(2);
      });

      test('connections killed under it: StoreUnavailableError at worst, then it works again', async () => {
        await store.accept([message('K0')]);
        // Kills four pooled connections. `dropped` settles once the pool has let go of all four:
        // until a killed connection's end has arrived, the pool may still hand it out.
        const killPool = async () => {
          const pool = pg.database().pool;
          const clients = await Promise.all(Array.from({ length: 4 }, () => pool.connect()));
          const pids = await Promise.all(
            clients.map(
              async (c) =>
                (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid,
            ),
          );
          const alive = new Set<unknown>(clients);
          const dropped = new Promise<void>((resolve) => {
            const onRemove = (client: unknown) => {
              alive.delete(client);
              if (alive.size > 0) return;
              pool.off('remove', onRemove);
              resolve();
            };
            pool.on('remove', onRemove);
          });
          clients.forEach((c) => c.release());
          await pg.admin('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
          return { dropped };
        };
        // Waiters on this test's table only: other suites may share the server.
        const waiters = async () => {
          const schema = (await pg.admin('SELECT current_schema() AS s'))[0].s as string;
          const rows = await pg.admin(
            'SELECT pid FROM pg_locks WHERE relation = $1::regclass AND NOT granted',
            [`"${schema}".inbox_messages`],
          );
          return rows.map((row) => row.pid as number);
        };
        const { dropped } = await killPool();
        const next = await store.accept([message('K1')]).catch((error: unknown) => error);
        if (next instanceof Error) {
          expect(next).toBeInstanceOf(StoreUnavailableError);
          expect(next.message).toMatch(/^the inbox could not commit accepted messages: /);
          expect(next.message).not.toContain('postgres://');
        } else {
          expect(next).toEqual({ outcomes: ['stored'] });
        }
        // Each dead connection costs at most the one accept that drew it; once they are gone,
        // accepts work again.
        await dropped;
        expect((await store.accept([message('K2')])).outcomes).toEqual(['stored']);

        // Killed while held back by a lock, as one statement (plain accepts) and inside a
        // transaction (with a replay key): refused, not lost, and the process keeps running.
        const locker = new Client({ connectionString: TEST_DATABASE_URL });
        await locker.connect();
        const schema = (await pg.admin('SELECT current_schema() AS s'))[0].s as string;
        const killedWhileBlocked = async (id: string, replay?: ReplayClaim) => {
          await killPool();
          // An empty pool has dropped every killed connection too.
          await until(() => pg.database().pool.totalCount === 0);
          await locker.query('BEGIN');
          await locker.query(`LOCK TABLE "${schema}".inbox_messages IN EXCLUSIVE MODE`);
          const blocked = store.accept([message(id)], replay).catch((error: unknown) => error);
          await until(async () => (await waiters()).length > 0);
          await pg.admin('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [
            await waiters(),
          ]);
          const failure = await blocked;
          await locker.query('ROLLBACK');
          expect(failure).toBeInstanceOf(StoreUnavailableError);
          expect((failure as Error).message).toMatch(/^the inbox could not commit accepted/);
          expect((failure as Error).message).not.toContain('postgres://');
          expect(await stored(id)).toBeUndefined();
          expect((await store.accept([message(id)], replay)).outcomes).toEqual(['stored']);
        };
        try {
          await killedWhileBlocked('K3');
          await killedWhileBlocked('K4', { key: 'nonce-K4', expiresAt: T0 + 60_000 });
        } finally {
          await locker.end();
        }
        const [claimed] = await store.claim('worker-a', 1, LEASE_MS);
        expect(claimed.message.messageId).toBe('K0');
        await expect(store.probeWrite()).resolves.toBeUndefined();
      });

      test('two processes committing the same messages in opposite orders: a deadlock reruns', async () => {
        const other = await driver.open(now);
        const ids = Array.from({ length: 500 }, (_, i) => `O${i}`);
        // Both commits wait behind one lock, so they run at the same time once it goes: each
        // then waits for a row the other inserted, and PostgreSQL aborts one of them (seen in
        // pg_stat_database.deadlocks), which the store runs again.
        const locker = new Client({ connectionString: TEST_DATABASE_URL });
        await locker.connect();
        const schema = (await pg.admin('SELECT current_schema() AS s'))[0].s as string;
        await locker.query('BEGIN');
        await locker.query(`LOCK TABLE "${schema}".inbox_messages IN EXCLUSIVE MODE`);
        const both = Promise.all([
          store.accept(ids.map((id) => message(id))),
          other.accept([...ids].reverse().map((id) => message(id))),
        ]);
        await sleep(200);
        await locker.query('COMMIT');
        await locker.end();
        const outcomes = (await both).flatMap((result) => result.outcomes);
        expect(outcomes.filter((outcome) => outcome === 'stored')).toHaveLength(500);
        expect(await store.count('pending')).toBe(500);
      });

      test('forgets expired replay keys as new ones are claimed', async () => {
        for (let i = 0; i < 20; i += 1) {
          await store.accept([message(`RK${i}`)], { key: `k${i}`, expiresAt: T0 + 1_000 });
        }
        clock.now = T0 + 1_000;
        await store.accept([message('RK-new')], { key: 'fresh', expiresAt: T0 + 5_000 });
        const keys = async () =>
          (await pg.admin('SELECT count(*)::int AS n FROM replay_keys'))[0].n as number;
        // A few per claim (8), so the table shrinks however many expired at once.
        expect(await keys()).toBe(21 - 8);
        await store.accept([message('RK-2')], { key: 'fresh-2', expiresAt: T0 + 5_000 });
        await store.accept([message('RK-3')], { key: 'fresh-3', expiresAt: T0 + 5_000 });
        expect(await keys()).toBe(3);
      });

      test('closing the store leaves the database open for its other users', async () => {
        await store.close();
        const rows = await pg.database().query<{ one: number }>('SELECT 1 AS one');
        expect(rows.rows).toEqual([{ one: 1 }]);
      });
    });
  }
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await sleep(20);
  }
}
