import { LRUCache } from 'lru-cache';
import { normalizeReferenceId, REFUSAL_TTL_MS, type RefusalLog } from './refusal-log.port';

export interface MemoryRefusalLogOptions {
  /** Refusals kept; the oldest are forgotten first. */
  capacity?: number;
  ttlMs?: number;
  clock?: () => number;
}

/** Enough for a day of refusals at a few per second, at a few hundred bytes each. */
const DEFAULT_CAPACITY = 10_000;

interface Kept {
  line: Record<string, unknown>;
  expiresAt: number;
}

/**
 * The `sqlite` driver's refusal log: this process's latest refusals, in memory and bounded. With
 * one process there is no other instance whose refusals it would need to explain.
 */
export class MemoryRefusalLog implements RefusalLog {
  private readonly ttlMs: number;
  private readonly clock: () => number;
  // Not a Map that drops its first key: once full, finding that key walks the deleted entries
  // V8 keeps at the front, microseconds per refusal exactly when refusals flood in.
  private readonly records: LRUCache<string, Kept>;

  constructor(options: MemoryRefusalLogOptions = {}) {
    this.ttlMs = options.ttlMs ?? REFUSAL_TTL_MS;
    this.clock = options.clock ?? Date.now;
    this.records = new LRUCache<string, Kept>({ max: options.capacity ?? DEFAULT_CAPACITY });
  }

  record(referenceId: string, line: Record<string, unknown>): void {
    this.records.set(referenceId, { line, expiresAt: this.clock() + this.ttlMs });
  }

  /** A lookup does not count as use: the oldest refusals are the ones forgotten. */
  find(referenceId: string): Promise<Record<string, unknown> | undefined> {
    const kept = this.records.peek(normalizeReferenceId(referenceId));
    return Promise.resolve(kept && kept.expiresAt > this.clock() ? kept.line : undefined);
  }

  countSince(kind: string, since: number): Promise<number> {
    // Every entry expires ttlMs after it was recorded; at most `capacity` entries to walk.
    const after = since + this.ttlMs;
    let count = 0;
    for (const kept of this.records.values()) {
      if (kept.expiresAt >= after && kept.line.problem === kind) count += 1;
    }
    return Promise.resolve(count);
  }

  get size(): number {
    return this.records.size;
  }
}
