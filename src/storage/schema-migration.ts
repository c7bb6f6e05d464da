/**
 * The PostgreSQL schema (readonly SchemaMigration[]): provided by the composition root
 * (src/postgres-schema.ts), which names each store's tables, so that storage imports no store.
 */
export const POSTGRES_SCHEMA = Symbol('PostgresSchema');

/** One step of a store's schema: applied once, in `version` order, recorded when done. */
export interface SchemaMigration {
  version: number;
  name: string;
  sql: string;
}

/** The database was migrated by a newer gateway than this one: refusing to run on it. */
export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError';
  constructor(store: string, found: number, known: number) {
    super(
      `${store} schema is at version ${found}, newer than this gateway knows (${known}): ` +
        'run the newer gateway version, or restore a database that matches this one',
    );
  }
}

/** Versions must rise by one from 1, so a missing or reordered file is caught by a test. */
export function latestVersion(migrations: readonly SchemaMigration[]): number {
  return migrations.reduce((latest, migration) => Math.max(latest, migration.version), 0);
}
