import type Database from 'better-sqlite3';
import type { SchemaMigration } from '../../storage/schema-migration';
import {
  namedParams,
  namedPlaceholders,
  openSideStore,
} from '../../storage/sqlite/sqlite-side-store';
import type { AlertState } from '../alert-conditions';
import type { AlertStateStore } from '../alert-state-store.port';
import {
  ALERT_TABLES,
  CLAIM_EVALUATION,
  RELEASE_EVALUATION,
  SAVE_STATE,
  SELECT_STATES,
  stateParams,
  toAlertState,
  type AlertStateRow,
} from './alert.tables';

export const SQLITE_ALERT_MIGRATIONS: readonly SchemaMigration[] = [
  { version: 1, name: 'alert states and the evaluation lease', sql: ALERT_TABLES },
];

/**
 * `storage.driver: sqlite`: a small file of its own in the data directory, so a restart
 * remembers which alerts went out and does not send them again.
 */
export class SqliteAlertStateStore implements AlertStateStore {
  private readonly db: Database.Database;
  private readonly statements: Record<string, Database.Statement>;

  constructor(file: string) {
    this.db = openSideStore(file, SQLITE_ALERT_MIGRATIONS, 'the SQLite alert store');
    const prepare = (statement: string) => this.db.prepare(namedPlaceholders(statement));
    this.statements = {
      claim: prepare(CLAIM_EVALUATION),
      release: prepare(RELEASE_EVALUATION),
      states: prepare(SELECT_STATES),
      save: prepare(SAVE_STATE),
    };
  }

  claimEvaluation(owner: string, leaseMs: number, now: number): Promise<boolean> {
    const result = this.statements.claim.run(namedParams(owner, now + leaseMs, now));
    return Promise.resolve(result.changes > 0);
  }

  releaseEvaluation(owner: string): Promise<void> {
    this.statements.release.run(namedParams(owner));
    return Promise.resolve();
  }

  states(): Promise<AlertState[]> {
    const rows = this.statements.states.all() as AlertStateRow[];
    return Promise.resolve(rows.map(toAlertState));
  }

  save(owner: string, state: AlertState, now: number): Promise<boolean> {
    const result = this.statements.save.run(namedParams(...stateParams(owner, state, now)));
    return Promise.resolve(result.changes > 0);
  }

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}
