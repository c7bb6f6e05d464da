import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

/** One refusal as logged, kept so `/admin/reference/:id` can show the line without a log store. */
export interface RefusalRecord {
  referenceId: string;
  line: Record<string, unknown>;
}

/** Enough for a day of refusals at a few per second, at a few hundred bytes each. */
const CAPACITY = 10_000;

/**
 * The latest refusals by reference id, in memory and bounded (the oldest are forgotten). The
 * log itself stays the record of truth; `npm run reference -- <id> <log file>` searches it.
 */
@Injectable()
export class RefusalLog {
  // Not a Map that drops its first key: once full, finding that key walks the deleted entries
  // V8 keeps at the front, microseconds per refusal exactly when refusals flood in.
  private readonly records = new LRUCache<string, Record<string, unknown>>({ max: CAPACITY });

  record(referenceId: string, line: Record<string, unknown>): void {
    this.records.set(referenceId, line);
  }

  /** A lookup does not count as use: the oldest refusals are the ones forgotten. */
  find(referenceId: string): Record<string, unknown> | undefined {
    return this.records.peek(referenceId.trim().toLowerCase());
  }

  get size(): number {
    return this.records.size;
  }
}
