/** One check's state: `degraded` works, but not fully (a failing secret refresh). */
export type CheckState = 'up' | 'degraded' | 'down';

/** What `/health/ready` says: `down` answers 503, `ok` and `degraded` answer 200. */
export type ReadinessStatus = 'ok' | 'degraded' | 'down';

export interface LastError {
  /** The error's message: this codebase never puts secrets in messages (see GatewayError). */
  message: string;
  /** ISO 8601. */
  at: string;
}

export interface CheckReport {
  state: CheckState;
  /**
   * A critical check that is not up makes the gateway not ready (503): it could not keep the
   * webhooks it is sent. Any other check only degrades readiness (200).
   */
  critical: boolean;
  /** How long the check took, or for a cached result how long its call took. */
  latencyMs: number;
  /** The latest failure, kept after a recovery so an admin sees what happened. */
  lastError?: LastError;
  [detail: string]: unknown;
}

export type CheckName = 'store' | 'worker' | 'secrets' | 'b2c';

export interface ReadinessReport {
  status: ReadinessStatus;
  /** ISO 8601. */
  checkedAt: string;
  /** The application is stopping: not ready whatever the checks say. */
  shuttingDown: boolean;
  checks: Record<CheckName, CheckReport>;
  /**
   * The admin's delivery pause (POST /admin/delivery/pause). Not a check: a paused gateway still
   * accepts and stores webhooks, so it stays ready; `since` is ISO 8601, `by` the admin.
   */
  delivery: DeliverySummary;
}

export interface DeliverySummary {
  paused: boolean;
  since: string | null;
  by: string | null;
}

/**
 * `down` when stopping or when a critical check is not up; `degraded` when any other check is
 * not up (or a critical one only degraded); `ok` otherwise.
 */
export function readinessStatus(
  checks: Readonly<Record<string, CheckReport>>,
  shuttingDown: boolean,
): ReadinessStatus {
  if (shuttingDown) return 'down';
  const reports = Object.values(checks);
  if (reports.some((check) => check.critical && check.state === 'down')) return 'down';
  return reports.some((check) => check.state !== 'up') ? 'degraded' : 'ok';
}

/** The message of a failure, bounded, for `lastError`. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

export function lastError(error: unknown, at: number): LastError {
  return { message: errorText(error), at: new Date(at).toISOString() };
}
