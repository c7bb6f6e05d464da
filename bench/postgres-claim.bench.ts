/**
 * The PostgreSQL inbox's two hot paths through the real PostgresInboxStore: claim latency on a
 * 1,000,000-message backlog (and behind one busy sender), and accept throughput under group
 * commit against SQLite's. Prints numbers; asserts nothing. Method: docs/benchmarks.md,
 * "PostgreSQL inbox: claim and accept on a large backlog".
 *
 *   npx ts-node --transpile-only bench/postgres-claim.bench.ts
 *   BENCH_ROWS=1000000 BENCH_CLAIMS=200 BENCH_HOT_ROWS=20000 BENCH_ACCEPTS=20000
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (else TEST_DATABASE_URL)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PostgresInboxStore } from '../src/inbox/drivers/postgres/postgres-inbox.store';
import { SqliteInboxStore } from '../src/inbox/drivers/sqlite/sqlite-inbox.store';
import type { InboxStore } from '../src/inbox/inbox-store.port';
import { PostgresDatabase } from '../src/storage/postgres/postgres-database';
import { POSTGRES_MIGRATIONS } from '../src/postgres-schema';
import type { InboundMessage } from '../src/messages/inbound-message';
import { median, round } from './support/stats';

const URL_TEXT =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 200);
const HOT_ROWS = Number(process.env.BENCH_HOT_ROWS ?? 20_000);
const ACCEPTS = Number(process.env.BENCH_ACCEPTS ?? 20_000);
const SENDERS = 50_000;
const CONNECTIONS = 50;
const LEASE_MS = 60_000;
const ROUNDS = 3;

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]);
}

async function timed<T>(call: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const result = await call();
  return [result, Number(process.hrtime.bigint() - started) / 1e6];
}

function message(id: string, from: string): InboundMessage {
  return {
    vendor: 'twilio',
    messageId: id,
    kind: 'sms',
    from,
    to: '+14155550100',
    text: `Backlog message ${id}: my order has not arrived`,
    media: [],
    receivedAt: new Date().toISOString(),
    raw: { MessageSid: id, From: from, To: '+14155550100', Body: 'my order has not arrived' },
  };
}

async function admin(sql: string, values?: unknown[]): Promise<void> {
  const client = new Client({ connectionString: URL_TEXT });
  await client.connect();
  try {
    await client.query(sql, values);
  } finally {
    await client.end();
  }
}

/** `rows` pending messages, due in seq order, `SENDERS` senders round robin; ANALYZEd. */
async function fill(db: PostgresDatabase, rows: number, now: number): Promise<number> {
  const template = JSON.stringify(message('__ID__', '__FROM__'));
  const [, ms] = await timed(() =>
    db.query(
      `INSERT INTO inbox_messages (vendor, message_id, sender, payload, next_attempt_at,
         received_at, updated_at)
       SELECT 'twilio', id, sender, replace(replace($1, '__ID__', id), '__FROM__', sender),
              $2::bigint - $3 + i, $2::bigint, $2::bigint
       FROM generate_series(1, $3::int) AS i,
            LATERAL (SELECT 'SM' || lpad(to_hex(i), 24, '0') AS id,
                            '+1415' || (2000000 + i % $4) AS sender) AS k`,
      [template, now, rows, SENDERS],
    ),
  );
  await db.query('VACUUM ANALYZE inbox_messages');
  return ms;
}

async function claimLatency(
  store: PostgresInboxStore,
  end: 'release' | 'deliver',
): Promise<{ p50: number; p99: number; max: number }> {
  const samples: number[] = [];
  for (let i = 0; i < CLAIMS; i += 1) {
    const [claimed, ms] = await timed(() => store.claim(`bench-${end}`, 4, LEASE_MS));
    samples.push(ms);
    if (claimed.length !== 4) throw new Error(`claimed ${claimed.length} of 4`);
    for (const { lease } of claimed) {
      if (end === 'release') await store.release(lease);
      else await store.markDelivered(lease, 'delivered', { incidentId: 1 });
    }
  }
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: Math.max(...samples) };
}

async function explainClaim(db: PostgresDatabase, now: number): Promise<string[]> {
  const { CLAIM_CANDIDATES } = await import('../src/inbox/drivers/postgres/postgres-inbox.sql');
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${CLAIM_CANDIDATES}`,
      [now, 4 * 4 + 16],
    );
    return rows.map((row) => row['QUERY PLAN']);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

/** Alternating rounds on empty stores, which goes first alternating too; medians. */
async function compareAccepts(
  db: PostgresDatabase,
  file: string,
): Promise<{ postgres: number; sqlite: number }> {
  const group = { groupCommitMaxBatch: 1024, groupCommitWindowMs: 0 };
  const rates = { postgres: [] as number[], sqlite: [] as number[] };
  for (let r = 0; r < ROUNDS; r += 1) {
    const runPostgres = async () => {
      await db.query('TRUNCATE inbox_messages');
      const store = new PostgresInboxStore(db, group);
      rates.postgres.push(await acceptRate(store, `P${r}-`));
      await store.close();
    };
    const runSqlite = async () => {
      rmSync(file, { force: true });
      rmSync(`${file}-wal`, { force: true });
      const store = await SqliteInboxStore.open({ file, ...group });
      rates.sqlite.push(await acceptRate(store, `S${r}-`));
      await store.close();
    };
    for (const run of r % 2 === 0 ? [runPostgres, runSqlite] : [runSqlite, runPostgres]) {
      await run();
    }
  }
  return { postgres: median(rates.postgres), sqlite: median(rates.sqlite) };
}

/** CONNECTIONS callers, each sending one-message webhooks one after another. */
async function acceptRate(store: InboxStore, prefix: string): Promise<number> {
  let next = 0;
  const caller = async () => {
    while (next < ACCEPTS) {
      const n = next++;
      await store.accept([message(`${prefix}${n}`, `+1415${3000000 + (n % SENDERS)}`)]);
    }
  };
  const [, ms] = await timed(() => Promise.all(Array.from({ length: CONNECTIONS }, caller)));
  return round((ACCEPTS / ms) * 1000);
}

async function main(): Promise<void> {
  const schema = `bench_claim_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE SCHEMA ${schema}`);
  const url = new URL(URL_TEXT);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const db = await PostgresDatabase.open({
    url: url.toString(),
    poolSize: 8,
    statementTimeoutMs: 60_000,
    connectTimeoutMs: 3_000,
    migrations: POSTGRES_MIGRATIONS,
  });
  const group = { groupCommitMaxBatch: 1024, groupCommitWindowMs: 0 };
  const sqliteDir = mkdtempSync(join(tmpdir(), 'bench-claim-'));
  try {
    const empty = await compareAccepts(db, join(sqliteDir, 'inbox.sqlite'));
    await db.query('TRUNCATE inbox_messages');
    const now = Date.now();
    const fillMs = await fill(db, ROWS, now);
    console.log(
      `filled ${ROWS} pending messages (${SENDERS} senders) in ${round(fillMs / 1000)} s`,
    );
    const store = new PostgresInboxStore(db, { ...group, now: () => now });

    console.log('\nEXPLAIN ANALYZE of the claim candidates (limit 4):');
    for (const line of await explainClaim(db, now)) console.log(`  ${line}`);

    const released = await claimLatency(store, 'release');
    console.log(`\nclaim(4) + release, ${CLAIMS}×: p50 ${released.p50} ms, p99 ${released.p99} ms`);
    const delivered = await claimLatency(store, 'deliver');
    console.log(`claim(4) + deliver, ${CLAIMS}×: p50 ${delivered.p50} ms, p99 ${delivered.p99} ms`);

    // One sender's messages due first, its oldest leased: every claim reads past the rest.
    const hot = '+14150000000';
    await db.query(
      `UPDATE inbox_messages SET sender = $1, next_attempt_at = $2::bigint - 10000000 + seq
       WHERE seq IN (SELECT seq FROM inbox_messages WHERE state = 'pending'
                     ORDER BY next_attempt_at, seq LIMIT $3)`,
      [hot, now, HOT_ROWS],
    );
    await db.query('VACUUM ANALYZE inbox_messages');
    const [busy] = await store.claim('bench-hot', 1, LEASE_MS);
    if (busy?.lease.sender !== hot) throw new Error('the busy sender was not claimed first');
    const hotLatency = await claimLatency(store, 'release');
    console.log(
      `claim(4) + release past ${HOT_ROWS} due messages of one leased sender: ` +
        `p50 ${hotLatency.p50} ms, p99 ${hotLatency.p99} ms`,
    );

    const loaded = await acceptRate(store, `L${randomBytes(3).toString('hex')}-`);
    await store.close();
    console.log(
      `\naccept, ${CONNECTIONS} concurrent callers, ${ACCEPTS} one-message webhooks a round:\n` +
        `  empty stores, medians of ${ROUNDS} alternating rounds: PostgreSQL ${empty.postgres} ` +
        `msg/s, SQLite ${empty.sqlite} msg/s: ${round((empty.postgres / empty.sqlite) * 100)} %\n` +
        `  PostgreSQL on top of the ${ROWS} rows: ${loaded} msg/s`,
    );
  } finally {
    await db.close();
    await admin(`DROP SCHEMA ${schema} CASCADE`);
    rmSync(sqliteDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
