/**
 * Refusals by reference id, so `GET /admin/references/:id` can show a refusal's whole log line
 * without a log store. The process log stays the record of truth; this is a bounded, expiring
 * index over its refusal lines.
 */
export interface RefusalLog {
  /**
   * Keeps `line` under `referenceId`. Fire and forget: a refusal's answer never waits for
   * storage, and a storage failure is logged (rate-limited), never thrown.
   */
  record(referenceId: string, line: Record<string, unknown>): void;
  /** The line recorded under `referenceId` (any case, surrounding spaces ignored), if still kept. */
  find(referenceId: string): Promise<Record<string, unknown> | undefined>;
  /**
   * Refusals of problem `kind` (the line's `problem`, e.g. `signature-rejected`) recorded at or
   * after `since` (epoch ms) and still kept, for alerts on a burst of them.
   */
  countSince(kind: string, since: number): Promise<number>;
}

export const REFUSAL_LOG = Symbol('RefusalLog');

/** How long a refusal stays explainable: vendors quote reference ids within a day. */
export const REFUSAL_TTL_MS = 24 * 60 * 60 * 1000;

/** Reference ids are lower-case hex; admins paste them from mails and tickets. */
export function normalizeReferenceId(referenceId: string): string {
  return referenceId.trim().toLowerCase();
}
