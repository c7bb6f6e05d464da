import { Injectable } from '@nestjs/common';

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
  private readonly records = new Map<string, Record<string, unknown>>();

  record(referenceId: string, line: Record<string, unknown>): void {
    this.records.set(referenceId, line);
    if (this.records.size > CAPACITY) {
      const oldest = this.records.keys().next().value as string;
      this.records.delete(oldest);
    }
  }

  find(referenceId: string): Record<string, unknown> | undefined {
    return this.records.get(referenceId.trim().toLowerCase());
  }

  get size(): number {
    return this.records.size;
  }
}
