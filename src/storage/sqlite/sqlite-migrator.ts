import type Database from 'better-sqlite3';
import { latestVersion, type SchemaMigration, SchemaTooNewError } from '../schema-migration';

/**
 * Applies the migrations the file lacks, each in a transaction with its record in
 * `schema_migrations`. The inbox is opened exclusively, so no other process migrates at once.
 * A file migrated further than this code knows stops start-up.
 */
export function migrateSqlite(
  db: Database.Database,
  migrations: readonly SchemaMigration[],
  store = 'the SQLite inbox',
): number[] {
  db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version    INTEGER PRIMARY KEY,
       name       TEXT NOT NULL,
       applied_at INTEGER NOT NULL
     )`,
  );
  const done = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (row) => row.version,
    ),
  );
  const known = latestVersion(migrations);
  const found = Math.max(0, ...done);
  if (found > known) throw new SchemaTooNewError(store, found, known);
  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    })();
    applied.push(migration.version);
  }
  return applied;
}
