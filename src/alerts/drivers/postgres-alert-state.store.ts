import type { PostgresDatabase } from '../../storage/postgres/postgres-database';
import type { AlertState } from '../alert-conditions';
import type { AlertStateStore } from '../alert-state-store.port';
import {
  CLAIM_EVALUATION,
  RELEASE_EVALUATION,
  SAVE_STATE,
  SELECT_STATES,
  stateParams,
  toAlertState,
  type AlertStateRow,
} from './alert.tables';

/** `storage.driver: postgres`: every process reads and writes the same rows (migration 6). */
export class PostgresAlertStateStore implements AlertStateStore {
  constructor(private readonly database: Pick<PostgresDatabase, 'query'>) {}

  async claimEvaluation(owner: string, leaseMs: number, now: number): Promise<boolean> {
    const result = await this.database.query(CLAIM_EVALUATION, [owner, now + leaseMs, now]);
    return (result.rowCount ?? 0) > 0;
  }

  async releaseEvaluation(owner: string): Promise<void> {
    await this.database.query(RELEASE_EVALUATION, [owner]);
  }

  async states(): Promise<AlertState[]> {
    const { rows } = await this.database.query<AlertStateRow>(SELECT_STATES);
    return rows.map(toAlertState);
  }

  async save(owner: string, state: AlertState, now: number): Promise<boolean> {
    const result = await this.database.query(SAVE_STATE, stateParams(owner, state, now));
    return (result.rowCount ?? 0) > 0;
  }

  /** The database belongs to the storage module, which closes it. */
  async close(): Promise<void> {}
}
