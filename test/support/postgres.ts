import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { availableSync } from './available-sync';
import { PostgresDatabase } from '../../src/storage/postgres/postgres-database';
import { POSTGRES_MIGRATIONS } from '../../src/postgres-schema';

/**
 * The server PostgreSQL tests use: `TEST_DATABASE_URL` (CI sets a database made for the run),
 * else this machine's local server with trust authentication.
 */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let available: Promise<boolean> | undefined;

/**
 * Whether the server answers. In CI (`CI=true`) a missing server is an error, so no PostgreSQL
 * test is ever skipped there; elsewhere the suites that need it say they were skipped.
 */
export function postgresAvailable(): Promise<boolean> {
  available ??= (async () => {
    const client = new Client({
      connectionString: TEST_DATABASE_URL,
      connectionTimeoutMillis: 3000,
    });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch (error) {
      if (process.env.CI === 'true') {
        throw new Error(`PostgreSQL at ${TEST_DATABASE_URL} is required in CI: ${String(error)}`);
      }
      process.stderr.write(
        `PostgreSQL at ${TEST_DATABASE_URL} is not reachable: its tests are skipped (${String(error)})\n`,
      );
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return available;
}

export interface TestSchema {
  /** A connection URL whose search_path is the new, empty schema. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** An empty schema of its own for one test (or one set of gateway processes). */
export async function freshSchema(): Promise<TestSchema> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE SCHEMA ${name}`);
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    url: url.toString(),
    name,
    drop: () => adminQuery(`DROP SCHEMA IF EXISTS ${name} CASCADE`),
  };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * `postgresAvailable()` asked before jest registers a suite's cases (it cannot wait for a
 * promise then), in a child process: it says on stderr that `suite`'s PostgreSQL cases are
 * skipped, and in CI (`CI=true`) throws, failing the suite.
 */
export function postgresAvailableSync(suite: string): boolean {
  return availableSync('postgres', 'postgresAvailable', 'PostgreSQL', suite);
}

/** The gateway's database handle on a test URL, with small pools and short timeouts. */
export function openTestDatabase(url: string): Promise<PostgresDatabase> {
  return PostgresDatabase.open({
    url,
    poolSize: 4,
    statementTimeoutMs: 10_000,
    connectTimeoutMs: 3_000,
    migrations: POSTGRES_MIGRATIONS,
  });
}
