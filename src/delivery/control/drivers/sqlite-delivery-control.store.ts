import type Database from 'better-sqlite3';
import type { SchemaMigration } from '../../../storage/schema-migration';
import {
  namedParams,
  namedPlaceholders,
  openSideStore,
} from '../../../storage/sqlite/sqlite-side-store';
import {
  type DeliveryControlRow,
  type DeliveryControlStore,
  type DeliveryPauseState,
  READ_PAUSE,
  SET_PAUSE,
  SET_RESUME,
  toPauseState,
} from '../delivery-control-store.port';
import { DELIVERY_CONTROL_TABLE } from './delivery-control.tables';

export const SQLITE_DELIVERY_CONTROL_MIGRATIONS: readonly SchemaMigration[] = [
  { version: 1, name: 'the admin delivery pause', sql: DELIVERY_CONTROL_TABLE },
];

/**
 * `storage.driver: sqlite`: a small file of its own in the data directory (one process, as the
 * inbox), so a pause outlives a restart. A write is one fsync (WAL, synchronous=FULL); writes
 * are rare (an admin's click), reads one row.
 */
export class SqliteDeliveryControlStore implements DeliveryControlStore {
  private readonly db: Database.Database;
  private readonly statements: Record<'read' | 'pause' | 'resume', Database.Statement>;

  constructor(file: string) {
    this.db = openSideStore(
      file,
      SQLITE_DELIVERY_CONTROL_MIGRATIONS,
      'the SQLite delivery control',
    );
    this.statements = {
      read: this.db.prepare(READ_PAUSE),
      pause: this.db.prepare(namedPlaceholders(SET_PAUSE)),
      resume: this.db.prepare(namedPlaceholders(SET_RESUME)),
    };
  }

  read(): Promise<DeliveryPauseState> {
    return Promise.resolve(
      toPauseState(this.statements.read.get() as DeliveryControlRow | undefined),
    );
  }

  pause(by: string, at: number, reason?: string): Promise<DeliveryPauseState> {
    this.statements.pause.run(namedParams(by, at, reason ?? null));
    return this.read();
  }

  resume(by: string, at: number): Promise<DeliveryPauseState> {
    this.statements.resume.run(namedParams(by, at));
    return this.read();
  }

  /** One process owns the file: nobody else changes it. */
  onChange(): () => void {
    return () => undefined;
  }

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}
