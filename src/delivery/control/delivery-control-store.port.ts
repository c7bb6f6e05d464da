/** Whether an admin has paused delivery, who last paused or resumed it, and when. */
export interface DeliveryPauseState {
  paused: boolean;
  /** The admin's subject (AdminPrincipal.subject) of the last pause or resume. */
  changedBy?: string;
  /** Epoch ms of the last pause or resume. */
  changedAt?: number;
  /** What the admin said when pausing, at most PAUSE_REASON_MAX characters. */
  reason?: string;
}

export const PAUSE_REASON_MAX = 200;

export const NOT_PAUSED: DeliveryPauseState = Object.freeze({ paused: false });

/**
 * Durable store of the admin's delivery pause, shared by every process on the store (PostgreSQL)
 * and kept across restarts (both drivers).
 */
export interface DeliveryControlStore {
  read(): Promise<DeliveryPauseState>;
  /**
   * Pauses; a pause already in force is kept as it is (who paused first, since when). Resolves
   * with the state in force afterwards.
   */
  pause(by: string, at: number, reason?: string): Promise<DeliveryPauseState>;
  /** Resumes (a no-op apart from who and when when not paused); resolves with the new state. */
  resume(by: string, at: number): Promise<DeliveryPauseState>;
  /**
   * `listener` runs when another process may have changed the state (PostgreSQL notifications,
   * and after a lost listening connection comes back). Returns a function that removes it.
   */
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

export const DELIVERY_CONTROL_STORE = Symbol('DeliveryControlStore');

/** The row as both drivers store it. */
export interface DeliveryControlRow {
  paused: number;
  changed_by: string | null;
  changed_at: number | string | null;
  reason: string | null;
}

export function toPauseState(row: DeliveryControlRow | undefined): DeliveryPauseState {
  if (!row) return NOT_PAUSED;
  return {
    paused: Number(row.paused) === 1,
    ...(row.changed_by === null ? {} : { changedBy: row.changed_by }),
    ...(row.changed_at === null ? {} : { changedAt: Number(row.changed_at) }),
    ...(row.reason === null ? {} : { reason: row.reason }),
  };
}

/** Statements both drivers run ($n placeholders; the SQLite driver renames them). */
export const READ_PAUSE = `SELECT paused, changed_by, changed_at, reason FROM delivery_control WHERE id = 1`;
/** $1 by, $2 at, $3 reason. Changes nothing while a pause is in force. */
export const SET_PAUSE = `
UPDATE delivery_control SET paused = 1, changed_by = $1, changed_at = $2, reason = $3
WHERE id = 1 AND paused = 0`;
/** $1 by, $2 at. */
export const SET_RESUME = `
UPDATE delivery_control SET paused = 0, changed_by = $1, changed_at = $2, reason = NULL
WHERE id = 1 AND paused = 1`;
