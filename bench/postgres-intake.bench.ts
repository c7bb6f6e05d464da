/**
 * (e) Intake on PostgreSQL: one gateway with `STORAGE_DRIVER=postgres` against one on SQLite
 * (workers off), (a)'s load and CPU accounting in alternating rounds, plus the CPU of the
 * server's backends serving the PostgreSQL gateway. Method and figures: docs/benchmarks.md,
 * "Several processes on PostgreSQL", (e).
 *
 * Alone: `npm run -s build && ts-node --transpile-only bench/postgres-intake.bench.ts`.
 * Part of `npm run bench` (bench/run-all.ts, scenario e).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'pg';
import { TEST_DATABASE_URL } from '../test/support/postgres';
import {
  measureRound,
  sendWebhooks,
  summarize,
  type IntakeSummary,
  type Measured,
} from './intake.bench';
import { startGateway } from './support/gateway-process';
import { knobs } from './support/knobs';
import {
  backendTicks,
  benchSchema,
  describeServer,
  cpuUsBetween,
  withClient,
  type PostgresServer,
} from './support/postgres-bench';
import { stopAll, stopEach } from './support/processes';
import { median, type Target } from './support/stats';

/** What the PostgreSQL gateway's rounds add: its database backends' CPU per request. */
export type PostgresMeasured = Measured & { databaseUs?: number };

export interface PostgresIntakeResult {
  node: string;
  connections: number;
  durationS: number;
  rounds: number;
  server: PostgresServer;
  sqlite: IntakeSummary;
  postgres: IntakeSummary;
  /** µs of CPU in the server's backends per answered request (median of the rounds). */
  postgresDatabaseUs?: number;
  /** PostgreSQL req/s ÷ SQLite req/s, per round and of the medians. */
  ratioPerRound: number[];
  ratio: number;
  raw: { sqlite: Measured[]; postgres: PostgresMeasured[] };
  targets: Target[];
}

const share = (ratio: number): number => Math.round(ratio * 1000) / 1000;

/** The 70% the issue asks of PostgreSQL intake against SQLite's, on the same machine. */
export const POSTGRES_INTAKE_TARGET = 0.7;

export async function runPostgresIntake(): Promise<PostgresIntakeResult> {
  const { connections } = knobs;
  const { warmupS, durationS, rounds } = knobs.intake;
  const schema = await benchSchema('intake');
  const dataDirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'bench-pg-intake-')));
  const raw: PostgresIntakeResult['raw'] = { sqlite: [], postgres: [] };
  let server: PostgresServer | undefined;
  try {
    server = await describeServer(schema.url);
    const sqlite = await startGateway({ dataDir: dataDirs[0], workerEnabled: false });
    const postgres = await startGateway({
      dataDir: dataDirs[1],
      workerEnabled: false,
      env: { STORAGE_DRIVER: 'postgres', DATABASE_URL: schema.url },
    }).catch(async (error: unknown) => {
      await sqlite.stop();
      throw error;
    });
    try {
      await withClient(TEST_DATABASE_URL, async (admin) => {
        for (const gateway of [sqlite, postgres]) await sendWebhooks(gateway.url, warmupS);
        const roundOf = {
          sqlite: () => measureRound(sqlite.url, sqlite.proc.pid, durationS),
          postgres: () => measurePostgres(admin, schema.applicationName, postgres),
        };
        for (let i = 0; i < rounds; i += 1) {
          // Each goes first in every other round: neither always follows the other's load.
          const order =
            i % 2 === 0 ? (['sqlite', 'postgres'] as const) : (['postgres', 'sqlite'] as const);
          for (const name of order) {
            if (name === 'sqlite') raw.sqlite.push(await roundOf.sqlite());
            else raw.postgres.push(await roundOf.postgres());
          }
        }
      });
    } finally {
      await stopEach([sqlite, postgres]);
    }
  } finally {
    await schema.drop().catch(() => undefined);
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }

  const sqliteSummary = summarize(raw.sqlite);
  const postgresSummary = summarize(raw.postgres);
  const ratio = postgresSummary.requestsPerSecond / sqliteSummary.requestsPerSecond;
  const databaseUs = raw.postgres
    .map((r) => r.databaseUs)
    .filter((us): us is number => us !== undefined);
  return {
    node: process.version,
    connections,
    durationS,
    rounds,
    server,
    sqlite: sqliteSummary,
    postgres: postgresSummary,
    ...(databaseUs.length > 0 ? { postgresDatabaseUs: median(databaseUs) } : {}),
    ratioPerRound: raw.postgres.map((p, i) =>
      share(p.requestsPerSecond / raw.sqlite[i].requestsPerSecond),
    ),
    ratio: share(ratio),
    raw,
    targets: [
      {
        what: "intake req/s, one gateway on PostgreSQL ÷ one on SQLite's",
        target: `≥ ${POSTGRES_INTAKE_TARGET * 100}%`,
        measured: `${(ratio * 100).toFixed(1)}%`,
        met: ratio >= POSTGRES_INTAKE_TARGET && postgresSummary.failed === 0,
      },
    ],
  };
}

async function measurePostgres(
  admin: Client,
  applicationName: string,
  gateway: { url: string; proc: { pid: number } },
): Promise<PostgresMeasured> {
  const before = await backendTicks(admin, applicationName);
  const measured = await measureRound(gateway.url, gateway.proc.pid, knobs.intake.durationS);
  const after = await backendTicks(admin, applicationName);
  if (after.size === 0 || measured.ok === 0) return measured;
  const databaseUs = Math.round(cpuUsBetween(before, after) / measured.ok);
  return { ...measured, databaseUs };
}

if (require.main === module) {
  runPostgresIntake()
    .then((result) => {
      const line = (name: string, s: IntakeSummary) =>
        `${name}: ${s.requestsPerSecond} req/s, p50/p99/p99.9 ${s.p50}/${s.p99}/${s.p999} ms, ` +
        `${s.failed} failed` +
        (s.cpu
          ? `; CPU per request: server ${s.cpu.serverUs} µs, host ${(s.cpu.hostBusy * 100).toFixed(0)}% busy`
          : '');
      console.log(
        `Intake on Node.js ${result.node}, PostgreSQL ${result.server.version}: ` +
          `${result.connections} connections, ${result.rounds} alternating rounds of ` +
          `${result.durationS} s (medians)`,
      );
      console.log(line('SQLite    ', result.sqlite));
      console.log(line('PostgreSQL', result.postgres));
      if (result.postgresDatabaseUs !== undefined) {
        console.log(`PostgreSQL backends: ${result.postgresDatabaseUs} µs CPU per request`);
      }
      console.log(`per round PostgreSQL/SQLite: ${result.ratioPerRound.join(', ')}`);
      for (const t of result.targets) {
        console.log(`${t.what}: ${t.measured} (target ${t.target}: ${t.met ? 'met' : 'missed'})`);
      }
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => stopAll().finally(() => process.exit()));
}
