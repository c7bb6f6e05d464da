import type { Pool } from 'pg';
import { latestVersion, type SchemaMigration, SchemaTooNewError } from '../schema-migration';

/** One key for every gateway process on the database: migrations run one process at a time. */
const MIGRATION_LOCK = 0x62326377; // "b2cw"

/**
 * Applies the migrations the database lacks, each in its own transaction, recorded in
 * `schema_migrations`. Processes starting together queue on a session advisory lock, so each
 * migration runs once; the later ones find it recorded. A database migrated further than this
 * code knows stops start-up.
 */
export async function migratePostgres(
  pool: Pool,
  migrations: readonly SchemaMigration[],
): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    // The registry itself is the one table made "if not exists": it says what else exists.
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version    INTEGER PRIMARY KEY,
         name       TEXT NOT NULL,
         applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await client.query<{ version: number }>(
      'SELECT version FROM schema_migrations',
    );
    const done = new Set(rows.map((row) => row.version));
    const known = latestVersion(migrations);
    const found = Math.max(0, ...done);
    if (found > known) throw new SchemaTooNewError('the PostgreSQL store', found, known);
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(
          `migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`,
        );
      }
      applied.push(migration.version);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return applied;
}
