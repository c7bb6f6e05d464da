import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrateSqlite } from './sqlite-migrator';
import type { SchemaMigration } from '../schema-migration';

/**
 * A feature's own SQLite file beside the inbox (conversations, the delivery pause, alerts): one
 * process, as the inbox; WAL with synchronous=FULL, so each commit is fsynced as the inbox's are.
 * Migrated on open.
 */
export function openSideStore(
  file: string,
  migrations: readonly SchemaMigration[],
  label: string,
): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  migrateSqlite(db, migrations, label);
  return db;
}

/**
 * `$1` (PostgreSQL) → `@p1`, bound by `namedParams`: the drivers share their statements, and
 * better-sqlite3 has no numbered parameters (a statement may use one twice).
 */
export function namedPlaceholders(statement: string): string {
  return statement.replace(/\$(\d+)/g, '@p$1');
}

/** Values for `@p1`, `@p2`, …; better-sqlite3 binds no booleans: 1/0, as the column reads back. */
export function namedParams(...values: readonly unknown[]): Record<string, unknown> {
  return Object.fromEntries(
    values.map((value, index) => [
      `p${index + 1}`,
      typeof value === 'boolean' ? (value ? 1 : 0) : value,
    ]),
  );
}
