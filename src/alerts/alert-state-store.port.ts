import type { AlertState } from './alert-conditions';

/**
 * Where the alert conditions' states live, so an alert goes out once per condition however many
 * processes run and across restarts; and the evaluation lease, so one process evaluates at a
 * time. One implementation per storage driver.
 */
export interface AlertStateStore {
  /**
   * The evaluation lease: `owner` may evaluate until `now + leaseMs` unless another owner holds
   * an unexpired lease (then false). The holder claiming again extends it.
   */
  claimEvaluation(owner: string, leaseMs: number, now: number): Promise<boolean>;
  /** Gives the lease up (a graceful stop), so another process evaluates at its next check. */
  releaseEvaluation(owner: string): Promise<void>;
  /** Every condition's stored state (conditions never evaluated have none). */
  states(): Promise<AlertState[]>;
  /**
   * Stores `state` if `owner` still holds an unexpired lease at `now`; false (nothing written)
   * otherwise, so a process that lost the lease cannot overwrite what the new holder decided.
   */
  save(owner: string, state: AlertState, now: number): Promise<boolean>;
  close(): Promise<void>;
}

export const ALERT_STATE_STORE = Symbol('AlertStateStore');
