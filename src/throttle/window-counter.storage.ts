import type { ThrottlerStorage } from '@nestjs/throttler';

/** The library does not export this type from its entry point. */
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Counter {
  ttl: number;
  windowStart: number;
  /** Hits counted in the current window and in the one before it. */
  current: number;
  previous: number;
  blockedUntil: number;
}

/** Idle counters are dropped at most this often; each sweep walks every key once. */
const SWEEP_EVERY_MS = 10_000;

/**
 * `@nestjs/throttler` storage with a sliding-window counter: two fixed windows, the previous one
 * weighted by how much of it still overlaps the sliding window. O(1) per hit. The library's
 * default keeps one timestamp per hit and filters them all on every hit, so a per-vendor limit
 * of hundreds per second costs hundreds of array entries scanned per webhook.
 *
 * The estimate assumes the previous window's hits were spread evenly; within the first window of
 * a key it is exact. Once over the limit, a key is blocked for `blockDuration` (the library
 * passes the window length unless told otherwise), as the default storage does.
 */
export class WindowCounterStorage implements ThrottlerStorage {
  private readonly counters = new Map<string, Counter>();
  private lastSweep: number;

  constructor(private readonly clock: () => number = Date.now) {
    this.lastSweep = clock();
  }

  /** Keys currently held, for tests and metrics. */
  get size(): number {
    return this.counters.size;
  }

  increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
  ): Promise<ThrottlerStorageRecord> {
    const now = this.clock();
    if (now - this.lastSweep >= SWEEP_EVERY_MS) this.sweep(now);
    const counter = this.counterFor(key, ttl, now);
    const intoWindow = now - counter.windowStart;
    const timeToExpire = Math.ceil((ttl - intoWindow) / 1000);
    const estimate = (counter.previous * (ttl - intoWindow)) / ttl + counter.current;

    if (counter.blockedUntil > now || estimate + 1 > limit) {
      if (counter.blockedUntil <= now) counter.blockedUntil = now + blockDuration;
      return Promise.resolve({
        totalHits: Math.ceil(estimate) + 1,
        timeToExpire,
        isBlocked: true,
        timeToBlockExpire: Math.ceil((counter.blockedUntil - now) / 1000),
      });
    }
    counter.current += 1;
    return Promise.resolve({
      totalHits: Math.ceil(estimate) + 1,
      timeToExpire,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  }

  private counterFor(key: string, ttl: number, now: number): Counter {
    let counter = this.counters.get(key);
    if (!counter || counter.ttl !== ttl) {
      counter = { ttl, windowStart: now, current: 0, previous: 0, blockedUntil: 0 };
      this.counters.set(key, counter);
      return counter;
    }
    const windows = Math.floor((now - counter.windowStart) / ttl);
    if (windows > 0) {
      counter.previous = windows === 1 ? counter.current : 0;
      counter.current = 0;
      counter.windowStart += windows * ttl;
    }
    return counter;
  }

  /** Drops counters that no longer weigh on any decision: two windows idle and not blocked. */
  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, counter] of this.counters) {
      if (now - counter.windowStart >= 2 * counter.ttl && counter.blockedUntil <= now) {
        this.counters.delete(key);
      }
    }
  }
}
