/**
 * Times the worker's two store queries, `due()` and `nextDueAt()`, on a filled inbox through the
 * real SqliteInboxStore, before the gateway opens the file. Both run on the store's one SQLite
 * thread, where every commit (and so every acknowledgement) waits behind them: with a large
 * backlog their cost shows up as intake latency.
 */
import { SqliteInboxStore } from '../../src/inbox/drivers/sqlite/sqlite-inbox.store';
import { median, round } from './stats';

export interface StoreQueryTimings {
  /** Median of several calls, ms. */
  dueMs: number;
  nextDueAtMs: number;
}

async function timed(call: () => Promise<unknown>, times = 5): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const started = process.hrtime.bigint();
    await call();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return round(median(samples));
}

export async function probeStoreQueries(file: string): Promise<StoreQueryTimings> {
  const store = await SqliteInboxStore.open({
    file,
    groupCommitMaxBatch: 1024,
    groupCommitWindowMs: 0,
  });
  try {
    // What DeliveryWorker.fill asks for with 4 free slots; each lease is given back so every
    // sample claims from the same backlog.
    const dueMs = await timed(async () => {
      for (const claimed of await store.claim('bench', 4, 30_000)) {
        await store.release(claimed.lease);
      }
    });
    const nextDueAtMs = await timed(() => store.nextDueAt());
    return { dueMs, nextDueAtMs };
  } finally {
    await store.close();
  }
}
