import { GatewayConfig } from '../config/gateway-config';
import type { InboundMessage } from '../vendors/inbound-message';
import { DeliveryWorker, type DeliveryPause } from './delivery-worker';
import {
  type ClaimedMessage,
  type InboxStore,
  type Lease,
  LeaseLostError,
} from './inbox-store.port';
import {
  DeliveryAbortedError,
  DeliveryError,
  type MessageSink,
  type SaveCheckpoint,
} from './message-sink.port';

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
    release: async (lease: Lease) => {
      writes.push({ op: 'release', lease, args: [] });
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
      args: [3, expect.anything()],
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
