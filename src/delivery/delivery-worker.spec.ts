import { B2cCallEvents } from '../b2c/b2c-call-events';
import { GatewayConfig } from '../config/gateway-config';
import type { InboundMessage } from '../messages/inbound-message';
import type { AttemptRecord } from '../inbox/attempt-history';
import { recordAttemptCall } from '../inbox/attempt-scope';
import { DeliveryWorker, type DeliveryPause, type WorkerClock } from './delivery-worker';
import {
  type ClaimedMessage,
  type InboxStore,
  type Lease,
  LeaseLostError,
} from '../inbox/inbox-store.port';
import {
  DeliveryAbortedError,
  DeliveryError,
  type MessageSink,
  type SaveCheckpoint,
} from './sink/message-sink.port';

/** A double that fails on any call the test did not stub, so nothing unexpected goes unseen. */
function strict<T extends object>(stubs: Partial<T>): T {
  return new Proxy(stubs as T, {
    get(target, property) {
      if (property in target) return target[property as keyof T];
      if (property === 'then') return undefined;
      throw new Error(`unexpected call: ${String(property)}`);
    },
  });
}

const LEASE_MS = 3_000;

function config(): GatewayConfig {
  const value = new GatewayConfig();
  Object.assign(value.worker, {
    concurrency: 2,
    maxAttempts: 3,
    backoffBaseMs: 1_000,
    backoffMaxMs: 60_000,
    pollIntervalMs: 1_000,
    leaseMs: LEASE_MS,
  });
  value.b2c.timeoutMs = 1_000;
  return value;
}

function claimed(seq: number, attempts = 0): ClaimedMessage {
  const message: InboundMessage = {
    vendor: 'twilio',
    messageId: `SM${seq}`,
    kind: 'sms',
    from: `+1415555${String(seq).padStart(4, '0')}`,
    to: '+14155550100',
    text: 'hello',
    media: [],
    receivedAt: new Date(0).toISOString(),
    raw: {},
  };
  return {
    seq,
    message,
    state: 'pending',
    attempts,
    nextAttemptAt: 0,
    checkpoint: {},
    receivedAt: 0,
    updatedAt: 0,
    lease: { seq, sender: message.from, owner: 'me', token: 1, expiresAt: LEASE_MS },
  };
}

/** A store that hands out `queue` once, then nothing, recording every write. */
function storeWith(queue: ClaimedMessage[], overrides: Partial<InboxStore> = {}) {
  const writes: { op: string; lease: Lease; args: unknown[] }[] = [];
  let wake: (() => void) | undefined;
  const record =
    (op: string) =>
    async (lease: Lease, ...args: unknown[]): Promise<void> => {
      writes.push({ op, lease, args });
    };
  const store = strict<InboxStore>({
    claim: jest.fn(async (_owner: string, limit: number) => queue.splice(0, limit)),
    nextDueAt: async () => undefined,
    onWake: (listener: () => void) => {
      wake = listener;
      return () => (wake = undefined);
    },
    saveCheckpoint: record('checkpoint'),
    markDelivered: record('delivered'),
    scheduleRetry: record('retry'),
    deadLetter: record('dead'),
    release: async (lease: Lease, ...args: unknown[]) => {
      writes.push({ op: 'release', lease, args });
    },
    renew: jest.fn(async (lease: Lease, leaseMs: number) => ({
      ...lease,
      expiresAt: Date.now() + leaseMs,
    })),
    ...overrides,
  });
  return { store, writes, wake: () => wake?.() };
}

function sinkThat(deliver: MessageSink['deliver']): MessageSink {
  return strict<MessageSink>({ deliver });
}

describe('DeliveryWorker', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('claims up to its concurrency with its lease time, and records the outcome under the lease', async () => {
    const { store, writes } = storeWith([claimed(1), claimed(2), claimed(3)]);
    const sink = sinkThat(async (_stored, save) => {
      await save({ contactId: 5 });
      return { kind: 'delivered', checkpoint: { contactId: 5, incidentId: 9 } };
    });
    const worker = new DeliveryWorker(store, sink, config());
    worker.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(store.claim).toHaveBeenNthCalledWith(1, expect.any(String), 2, LEASE_MS);
    await jest.advanceTimersByTimeAsync(10);
    await worker.stop();
    expect(writes.map((w) => [w.op, w.lease.seq])).toEqual([
      ['checkpoint', 1],
      ['checkpoint', 2],
      ['delivered', 1],
      ['delivered', 2],
      ['checkpoint', 3],
      ['delivered', 3],
    ]);
  });

  it('schedules a retry with backoff, and dead-letters what cannot succeed', async () => {
    const { store, writes } = storeWith([claimed(1), claimed(2, 2)]);
    const sink = sinkThat(async (stored) => {
      throw new DeliveryError(`B2C refused ${stored.seq}`, { retryable: stored.seq === 1 });
    });
    const worker = new DeliveryWorker(store, sink, config());
    worker.start();
    await jest.advanceTimersByTimeAsync(10);
    await worker.stop();
    const retry = writes.find((w) => w.op === 'retry');
    const [attempts, at] = retry?.args as [number, number];
    expect(attempts).toBe(1);
    // Equal jitter: between half and all of the first backoff step.
    expect(at).toBeGreaterThanOrEqual(500);
    expect(at).toBeLessThanOrEqual(1_000);
    expect(writes.find((w) => w.op === 'dead')).toMatchObject({
      lease: { seq: 2 },
      args: [3, expect.anything(), expect.objectContaining({ outcome: 'dead' })],
    });
  });

  it('renews the lease while a delivery runs and writes with the renewed lease', async () => {
    let finish: () => void = () => undefined;
    const { store, writes } = storeWith([claimed(1)]);
    const sink = sinkThat(async (_stored, save: SaveCheckpoint) => {
      await new Promise<void>((resolve) => (finish = resolve));
      await save({ contactId: 5 });
      return { kind: 'delivered', checkpoint: { contactId: 5, incidentId: 9 } };
    });
    const worker = new DeliveryWorker(store, sink, config());
    worker.start();
    await jest.advanceTimersByTimeAsync(LEASE_MS * 2);
    // Every third of the lease: six renewals in two lease times.
    expect(store.renew).toHaveBeenCalledTimes(6);
    finish();
    await jest.advanceTimersByTimeAsync(0);
    await worker.stop();
    expect(writes.map((w) => [w.op, w.lease.expiresAt])).toEqual([
      ['checkpoint', LEASE_MS * 2 + LEASE_MS],
      ['delivered', LEASE_MS * 2 + LEASE_MS],
    ]);
  });

  it('stops a delivery whose lease was lost, and records nothing for it', async () => {
    let finish: () => void = () => undefined;
    const { store, writes } = storeWith([claimed(1)], {
      renew: jest.fn(async (lease: Lease) => {
        throw new LeaseLostError(lease.seq);
      }),
    });
    const sink = sinkThat(async (_stored, save) => {
      await new Promise<void>((resolve) => (finish = resolve));
      await save({ contactId: 5 });
      return { kind: 'delivered', checkpoint: { contactId: 5, incidentId: 9 } };
    });
    const worker = new DeliveryWorker(store, sink, config());
    worker.start();
    await jest.advanceTimersByTimeAsync(LEASE_MS);
    finish();
    await jest.advanceTimersByTimeAsync(0);
    await worker.stop();
    expect(store.renew).toHaveBeenCalledTimes(1);
    expect(writes).toEqual([]);
  });

  it('gives the lease back when it stops at a checkpoint', async () => {
    let reachedCheckpoint: () => void = () => undefined;
    const checkpointed = new Promise<void>((resolve) => (reachedCheckpoint = resolve));
    const { store, writes } = storeWith([claimed(1)]);
    const sink = sinkThat(async (_stored, save) => {
      await checkpointed;
      await save({ contactId: 5 });
      throw new Error('not reached: the worker releases at the checkpoint');
    });
    const worker = new DeliveryWorker(store, sink, config());
    worker.start();
    await jest.advanceTimersByTimeAsync(0);
    const stopped = worker.stop();
    reachedCheckpoint();
    await jest.advanceTimersByTimeAsync(0);
    await stopped;
    expect(writes.map((w) => w.op)).toEqual(['checkpoint', 'release']);
  });

  it('gives the lease back, counting no attempt, when a call waiting to be sent is aborted by the stop', async () => {
    const { store, writes } = storeWith([claimed(1)]);
    const sink = sinkThat(async () => {
      throw new DeliveryAbortedError('the gateway is stopping');
    });
    const worker = new DeliveryWorker(store, sink, config());
    worker.start();
    await jest.advanceTimersByTimeAsync(10);
    await worker.stop();
    expect(writes.map((w) => [w.op, w.lease.seq])).toEqual([['release', 1]]);
  });

  it('starts nothing while the far side asked for a pause, and claims when it ends', async () => {
    const pause: DeliveryPause = { pausedUntil: () => 3_000 };
    const { store } = storeWith([claimed(1)]);
    const sink = sinkThat(async () => ({ kind: 'skipped', reason: 'status callback' }));
    const worker = new DeliveryWorker(store, sink, config(), undefined, pause);
    worker.start();
    await jest.advanceTimersByTimeAsync(2_900);
    expect(store.claim).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(200);
    expect(store.claim).toHaveBeenCalled();
    await worker.stop();
  });

  it('looks at once when the store says messages arrived, not at the next poll', async () => {
    const queue: ClaimedMessage[] = [];
    const { store, writes, wake } = storeWith(queue);
    const sink = sinkThat(async () => ({ kind: 'skipped', reason: 'status callback' }));
    const worker = new DeliveryWorker(store, sink, config());
    worker.start();
    await jest.advanceTimersByTimeAsync(10);
    queue.push(claimed(7));
    wake();
    await jest.advanceTimersByTimeAsync(1);
    expect(writes.map((w) => [w.op, w.lease.seq])).toEqual([['delivered', 7]]);
    await worker.stop();
  });

  it('pauses deliveries when the store cannot record a failure, instead of calling B2C again', async () => {
    const { store } = storeWith([claimed(1), claimed(2)], {
      scheduleRetry: async () => {
        throw new Error('disk full');
      },
    });
    const sink = sinkThat(async () => {
      throw new DeliveryError('B2C timed out', { retryable: true });
    });
    const worker = new DeliveryWorker(store, sink, {
      ...config(),
      worker: { ...config().worker, concurrency: 1 },
    });
    worker.start();
    await jest.advanceTimersByTimeAsync(10);
    expect(store.claim).toHaveBeenCalledTimes(1);
    // The first store failure pauses for half to all of one backoff step (1 s).
    await jest.advanceTimersByTimeAsync(400);
    expect(store.claim).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(store.claim).toHaveBeenCalledTimes(2);
    await worker.stop();
  });
});

describe('DeliveryWorker attempt history', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  /** A clock of the test's own, moved by the sink: durations are exact, not timer-dependent. */
  function testClock(start = 1_000): WorkerClock & { at: number } {
    const clock = { at: start, now: () => clock.at };
    return clock;
  }

  /** The attempt recorded with each write (its last argument), by op and seq. */
  function recorded(writes: { op: string; lease: { seq: number }; args: unknown[] }[]) {
    return writes
      .filter((w) => w.op !== 'checkpoint')
      .map((w) => ({ op: w.op, seq: w.lease.seq, attempt: w.args[w.args.length - 1] }));
  }

  it('records every outcome with its start, duration, error and the B2C calls of that attempt alone', async () => {
    const clock = testClock();
    const events = new B2cCallEvents();
    const queue = [claimed(1), claimed(2, 1), claimed(3, 2), claimed(4)];
    const { store, writes } = storeWith(queue);
    const call = (path: string, status: number, errorCode?: string) => ({
      method: 'POST',
      path,
      startedAt: clock.at,
      durationMs: 7,
      status,
      ...(errorCode ? { errorCode } : {}),
    });
    const sink = sinkThat(async (stored, save) => {
      events.emit(call(`contacts/${stored.seq}`, 200));
      await save({ contactId: stored.seq });
      clock.at += 250;
      if (stored.seq === 1) {
        events.emit(call('incidents', 201));
        return { kind: 'delivered', checkpoint: { contactId: 1, incidentId: 9 } };
      }
      if (stored.seq === 4) return { kind: 'skipped', reason: 'status callback' };
      events.emit(call('incidents', 400, 'OSC-CREST-00035'));
      throw new DeliveryError(`B2C refused ${stored.seq}`, { retryable: true });
    });
    // One at a time, so that every time below is exact.
    const serial = { ...config(), worker: { ...config().worker, concurrency: 1 } };
    const worker = new DeliveryWorker(
      store,
      sink,
      serial,
      undefined,
      undefined,
      clock,
      undefined,
      events,
    );
    worker.start();
    // Outside any attempt: heard, and recorded nowhere.
    events.emit(call('contacts/outside', 200));
    await jest.advanceTimersByTimeAsync(10);
    await worker.stop();
    const byOp = recorded(writes);
    expect(byOp.map((w) => [w.op, w.seq])).toEqual([
      ['delivered', 1],
      ['retry', 2],
      ['dead', 3],
      ['delivered', 4],
    ]);
    const [delivered, retry, dead, skipped] = byOp.map((w) => w.attempt as AttemptRecord);
    expect(delivered).toEqual({
      attempt: 1,
      startedAt: 1_000,
      durationMs: 250,
      outcome: 'delivered',
      calls: [
        { method: 'POST', path: 'contacts/1', startedAt: 1_000, durationMs: 7, status: 200 },
        { method: 'POST', path: 'incidents', startedAt: 1_250, durationMs: 7, status: 201 },
      ],
    });
    expect(retry).toEqual({
      attempt: 2,
      startedAt: 1_250,
      durationMs: 250,
      outcome: 'retry',
      error: 'B2C refused 2',
      calls: [
        { method: 'POST', path: 'contacts/2', startedAt: 1_250, durationMs: 7, status: 200 },
        {
          method: 'POST',
          path: 'incidents',
          startedAt: 1_500,
          durationMs: 7,
          status: 400,
          errorCode: 'OSC-CREST-00035',
        },
      ],
    });
    // Attempt 3 of 3: dead, with its error.
    expect(dead).toMatchObject({
      attempt: 3,
      startedAt: 1_500,
      durationMs: 250,
      outcome: 'dead',
      error: 'B2C refused 3',
    });
    expect(dead.calls.map((c) => c.path)).toEqual(['contacts/3', 'incidents']);
    expect(skipped).toMatchObject({
      attempt: 1,
      outcome: 'skipped',
      calls: [{ path: 'contacts/4' }],
    });
    // `markDelivered(lease, state, checkpoint, attempt)`: skipped is a markDelivered too.
    expect(writes.filter((w) => w.op === 'delivered').map((w) => w.args[0])).toEqual([
      'delivered',
      'skipped',
    ]);
  });

  it('keeps the calls of attempts running at once apart', async () => {
    const events = new B2cCallEvents();
    const { store, writes } = storeWith([claimed(1), claimed(2)]);
    const sink = sinkThat(async (stored, save) => {
      // Both attempts run at once (concurrency 2); their calls interleave.
      for (const step of ['contacts', 'incidents', 'threads']) {
        events.emit({
          method: 'GET',
          path: `${step}/${stored.seq}`,
          startedAt: 0,
          durationMs: 1,
          status: 200,
        });
        await save({ contactId: stored.seq });
      }
      return { kind: 'delivered', checkpoint: {} };
    });
    const worker = new DeliveryWorker(
      store,
      sink,
      config(),
      undefined,
      undefined,
      undefined,
      undefined,
      events,
    );
    worker.start();
    await jest.advanceTimersByTimeAsync(10);
    await worker.stop();
    // The checkpoints alternate: the attempts did run interleaved.
    expect(writes.slice(0, 4).map((w) => w.lease.seq)).toEqual([1, 2, 1, 2]);
    const paths = recorded(writes).map((w) => [
      w.seq,
      (w.attempt as AttemptRecord).calls.map((c) => c.path),
    ]);
    expect(paths).toEqual([
      [1, ['contacts/1', 'incidents/1', 'threads/1']],
      [2, ['contacts/2', 'incidents/2', 'threads/2']],
    ]);
  });

  it('records a vendor send call made in the attempt, as a reply records it', async () => {
    const clock = testClock();
    const { store, writes } = storeWith([claimed(1)]);
    const sink = sinkThat(async () => {
      recordAttemptCall({
        method: 'POST',
        path: 'api.twilio.com/2010-04-01/Accounts/AC1/Messages.json',
        startedAt: clock.at,
        durationMs: 30,
        status: 201,
      });
      return { kind: 'delivered', checkpoint: {} };
    });
    const worker = new DeliveryWorker(store, sink, config(), undefined, undefined, clock);
    worker.start();
    await jest.advanceTimersByTimeAsync(10);
    await worker.stop();
    expect(recorded(writes)[0].attempt).toMatchObject({
      outcome: 'delivered',
      calls: [{ path: 'api.twilio.com/2010-04-01/Accounts/AC1/Messages.json', status: 201 }],
    });
  });

  it('records a release at a checkpoint as `released`, not counting it as a failed attempt', async () => {
    const clock = testClock();
    const events = new B2cCallEvents();
    let reachedCheckpoint: () => void = () => undefined;
    const checkpointed = new Promise<void>((resolve) => (reachedCheckpoint = resolve));
    const { store, writes } = storeWith([claimed(1, 1)]);
    const sink = sinkThat(async (_stored, save) => {
      await checkpointed;
      events.emit({
        method: 'GET',
        path: 'contacts',
        startedAt: 1_000,
        durationMs: 3,
        status: 200,
      });
      clock.at += 40;
      await save({ contactId: 5 });
      throw new Error('not reached: the worker releases at the checkpoint');
    });
    const worker = new DeliveryWorker(
      store,
      sink,
      config(),
      undefined,
      undefined,
      clock,
      undefined,
      events,
    );
    worker.start();
    await jest.advanceTimersByTimeAsync(0);
    const stopped = worker.stop();
    reachedCheckpoint();
    await jest.advanceTimersByTimeAsync(0);
    await stopped;
    expect(recorded(writes)).toEqual([
      {
        op: 'release',
        seq: 1,
        attempt: {
          attempt: 2,
          startedAt: 1_000,
          durationMs: 40,
          outcome: 'released',
          calls: [
            { method: 'GET', path: 'contacts', startedAt: 1_000, durationMs: 3, status: 200 },
          ],
        },
      },
    ]);
  });

  it('keeps only the latest calls of a long attempt, counting the others', async () => {
    const events = new B2cCallEvents();
    const { store, writes } = storeWith([claimed(1)]);
    const sink = sinkThat(async () => {
      for (let i = 0; i < 25; i += 1) {
        events.emit({ method: 'GET', path: `p/${i}`, startedAt: 0, durationMs: 1, status: 200 });
      }
      return { kind: 'skipped', reason: 'status callback' };
    });
    const worker = new DeliveryWorker(
      store,
      sink,
      config(),
      undefined,
      undefined,
      undefined,
      undefined,
      events,
    );
    worker.start();
    await jest.advanceTimersByTimeAsync(10);
    await worker.stop();
    const attempt = recorded(writes)[0].attempt as AttemptRecord;
    expect(attempt.calls).toHaveLength(20);
    expect(attempt.calls[0].path).toBe('p/5');
    expect(attempt.callsOmitted).toBe(5);
  });

  it('records nothing for an attempt whose lease was lost, and stops collecting calls once stopped', async () => {
    const events = new B2cCallEvents();
    const { store, writes } = storeWith([claimed(1)], {
      markDelivered: async (lease: Lease) => {
        throw new LeaseLostError(lease.seq);
      },
    });
    const sink = sinkThat(async () => {
      events.emit({ method: 'GET', path: 'contacts', startedAt: 0, durationMs: 1, status: 200 });
      return { kind: 'delivered', checkpoint: {} };
    });
    const worker = new DeliveryWorker(
      store,
      sink,
      config(),
      undefined,
      undefined,
      undefined,
      undefined,
      events,
    );
    const on = jest.spyOn(events, 'on');
    worker.start();
    await jest.advanceTimersByTimeAsync(10);
    await worker.stop();
    expect(writes).toEqual([]);
    expect(on).toHaveBeenCalledTimes(1);
    // The listener was removed: nothing of the worker's is left listening.
    const listeners = (events as unknown as { listeners: Set<unknown> }).listeners;
    expect(listeners.size).toBe(0);
  });
});
