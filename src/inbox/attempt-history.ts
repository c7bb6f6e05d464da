/**
 * The attempt history of a message: one entry per delivery attempt (with the HTTP calls it
 * made) and one per admin replay. Kept in the inbox store beside the message, bounded.
 */

/**
 * One HTTP call an attempt made: a Connect REST call to B2C (b2c/b2c-call-events.ts tells them in
 * this shape), or a vendor's send API (its path is host and path). The path has no query string
 * (ROQL queries hold phone numbers) and nothing of a body or a credential.
 */
export interface AttemptCall {
  method: string;
  /** e.g. `/incidents/12`, relative to the Connect REST base URL. */
  path: string;
  /** Epoch ms the request was sent (after its turn in the flow control). */
  startedAt: number;
  durationMs: number;
  /** Undefined when no answer came (timeout, connection refused). */
  status?: number;
  /** Oracle's `o:errorCode` of an error answer, e.g. `OSC-CREST-00035`. */
  errorCode?: string;
}

/** How an attempt ended. A lost lease records nothing: the new owner records its own. */
export type AttemptOutcome = 'delivered' | 'skipped' | 'retry' | 'dead' | 'released';

/** What the worker records with an attempt's outcome. */
export interface AttemptRecord {
  /** 1 for the first attempt (since the last replay, which resets the count). */
  attempt: number;
  /** Epoch ms. */
  startedAt: number;
  durationMs: number;
  outcome: AttemptOutcome;
  /** Why a `retry` or `dead` attempt failed. */
  error?: string;
  /** The attempt's calls, oldest first: at most CALLS_PER_ATTEMPT, the latest ones. */
  calls: AttemptCall[];
  /** Earlier calls left out to keep the bound. */
  callsOmitted?: number;
}

/** One entry of the history as read back, in the order written. */
export type HistoryEntry =
  | ({ id: number; kind: 'attempt' } & AttemptRecord)
  | { id: number; kind: 'replay'; at: number; by: string };

/** Entries kept per message: older ones are deleted in the write that adds one. */
export const HISTORY_PER_MESSAGE = 50;
/** Calls kept per attempt (the latest: the last one is the one that failed, if any). */
export const CALLS_PER_ATTEMPT = 20;
/** Longest error text kept. */
export const HISTORY_ERROR_CHARS = 1_000;
/** Longest method, path or error code kept (a path holds ids, nothing longer is expected). */
const CALL_TEXT_CHARS = 300;

/** The record within the store's bounds, whatever the caller gave. */
export function boundedAttempt(record: AttemptRecord): AttemptRecord {
  const extra = Math.max(0, record.calls.length - CALLS_PER_ATTEMPT);
  return {
    attempt: record.attempt,
    startedAt: record.startedAt,
    durationMs: Math.max(0, Math.round(record.durationMs)),
    outcome: record.outcome,
    ...(record.error === undefined ? {} : { error: record.error.slice(0, HISTORY_ERROR_CHARS) }),
    calls: record.calls.slice(extra).map(boundedCall),
    ...((record.callsOmitted ?? 0) + extra > 0
      ? { callsOmitted: (record.callsOmitted ?? 0) + extra }
      : {}),
  };
}

function boundedCall(call: AttemptCall): AttemptCall {
  return {
    method: call.method.slice(0, CALL_TEXT_CHARS),
    path: call.path.slice(0, CALL_TEXT_CHARS),
    startedAt: call.startedAt,
    durationMs: Math.max(0, Math.round(call.durationMs)),
    ...(call.status === undefined ? {} : { status: call.status }),
    ...(call.errorCode === undefined
      ? {}
      : { errorCode: call.errorCode.slice(0, CALL_TEXT_CHARS) }),
  };
}

/** A stored row of `delivery_attempts`, as both drivers read it (BIGINTs may be strings). */
export interface HistoryRow {
  id: number | string;
  kind: string;
  attempt: number | null;
  started_at: number | string;
  duration_ms: number;
  outcome: string;
  error: string | null;
  actor: string | null;
  calls: string;
  calls_omitted: number;
}

export function toHistoryEntry(row: HistoryRow): HistoryEntry {
  const id = Number(row.id);
  if (row.kind === 'replay') {
    return { id, kind: 'replay', at: Number(row.started_at), by: row.actor ?? '' };
  }
  return {
    id,
    kind: 'attempt',
    attempt: row.attempt ?? 0,
    startedAt: Number(row.started_at),
    durationMs: row.duration_ms,
    outcome: row.outcome as AttemptOutcome,
    ...(row.error === null ? {} : { error: row.error }),
    calls: JSON.parse(row.calls) as AttemptCall[],
    ...(row.calls_omitted > 0 ? { callsOmitted: row.calls_omitted } : {}),
  };
}

/** The values of an attempt's row after (seq, kind), in column order of ATTEMPT_COLUMNS. */
export function attemptValues(record: AttemptRecord): unknown[] {
  const bounded = boundedAttempt(record);
  return [
    bounded.attempt,
    bounded.startedAt,
    bounded.durationMs,
    bounded.outcome,
    bounded.error ?? null,
    JSON.stringify(bounded.calls),
    bounded.callsOmitted ?? 0,
  ];
}

/** Columns after seq and kind, in the order attemptValues gives them. */
export const ATTEMPT_COLUMNS = [
  'attempt',
  'started_at',
  'duration_ms',
  'outcome',
  'error',
  'calls',
  'calls_omitted',
] as const;
