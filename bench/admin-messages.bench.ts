/**
 * The message log (`GET /admin/messages`) at a million messages, on both drivers: one search of
 * each kind through the real store (SqliteInboxStore on its thread, PostgresInboxStore on a fresh
 * schema), timed many times, p50/p99 printed per driver and query.
 *
 *   npx ts-node --transpile-only bench/admin-messages.bench.ts
 *   BENCH_ROWS=200000 BENCH_RUNS=50 BENCH_DRIVERS=sqlite ...   (smaller, or one driver)
 *
 * Rows go straight into the migrated schema (a million webhooks through accept would take the
 * whole run). Method and figures: docs/benchmarks.md, "Admin message log".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { PostgresInboxStore } from '../src/inbox/drivers/postgres/postgres-inbox.store';
import { SQLITE_INBOX_MIGRATIONS } from '../src/inbox/drivers/sqlite/sqlite-inbox.migrations';
import { migrateSqlite } from '../src/storage/sqlite/sqlite-migrator';
import { SqliteInboxStore } from '../src/inbox/drivers/sqlite/sqlite-inbox.store';
import type { InboxStore, MessageFilter, MessagePosition } from '../src/inbox/inbox-store.port';
import { openTestDatabase } from '../test/support/postgres';
import { benchSchema, withClient } from './support/postgres-bench';
import { percentile } from './support/stats';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const DRIVERS = (process.env.BENCH_DRIVERS ?? 'sqlite,postgres').split(',');
const PAGE = 51; // the route's default page, plus the one that says whether there is a next
const DAY = 86_400_000;
const T0 = Date.now() - 30 * DAY;
const STEP = Math.floor((30 * DAY) / ROWS);
const VENDORS = ['twilio', 'telnyx', 'sinch', 'plivo', 'bandwidth'];
const SENDERS = 100_000;
const LEASED = 100;

const sender = (i: number) => `+1415${String(5_000_000 + (i % SENDERS)).padStart(7, '0')}`;
const messageId = (i: number) => `SM${i.toString(16).padStart(8, '0')}`;
/** 95% delivered, 3% skipped, 1% dead, 1% pending, by row number. */
const state = (i: number) =>
  i % 100 < 95 ? 'delivered' : i % 100 < 98 ? 'skipped' : i % 100 < 99 ? 'dead' : 'pending';
const payload = (i: number) =>
  JSON.stringify({
    vendor: VENDORS[i % VENDORS.length],
    messageId: messageId(i),
    kind: 'sms',
    from: sender(i),
    to: '+14155550100',
    text: 'My order has not arrived',
    media: [],
    receivedAt: new Date(T0 + i * STEP).toISOString(),
    raw: {},
  });

/** One kind of search, with a fresh argument per run so no one row stays cached. */
interface QueryKind {
  name: string;
  filter(run: number): MessageFilter;
  after?(run: number): MessagePosition;
}

const rand = (run: number, n: number) => (run * 7_919 + 13) % n;
const KINDS: QueryKind[] = [
  { name: 'newest (no filter)', filter: () => ({}) },
  {
    name: 'deep page (cursor)',
    filter: () => ({}),
    after: (run) => ({ receivedAt: T0 + rand(run, ROWS) * STEP, seq: rand(run, ROWS) + 1 }),
  },
  { name: 'vendor', filter: (run) => ({ vendor: VENDORS[run % VENDORS.length] }) },
  { name: 'state=dead', filter: () => ({ state: 'dead' }) },
  { name: 'state=pending', filter: () => ({ state: 'pending' }) },
  { name: 'state=delivering', filter: () => ({ state: 'delivering' }) },
  {
    name: 'time range (1 h)',
    filter: (run) => {
      const from = T0 + rand(run, 29 * 24) * 3_600_000;
      return { receivedFrom: from, receivedBefore: from + 3_600_000 };
    },
  },
  {
    name: 'state=dead + 1 day',
    filter: (run) => {
      const from = T0 + rand(run, 29) * DAY;
      return { state: 'dead', receivedFrom: from, receivedBefore: from + DAY };
    },
  },
  { name: 'sender phone', filter: (run) => ({ sender: sender(rand(run, SENDERS)) }) },
  { name: 'message id', filter: (run) => ({ messageId: messageId(rand(run, ROWS)) }) },
  { name: 'incident id', filter: (run) => ({ incidentId: rand(run, ROWS) * 100 + 1 }) },
];

interface Result {
  driver: string;
  kind: string;
  p50: number;
  p99: number;
  rows: number;
}

async function measure(driver: string, store: InboxStore): Promise<Result[]> {
  const results: Result[] = [];
  for (const kind of KINDS) {
    const times: number[] = [];
    let rows = 0;
    for (let run = 0; run < RUNS; run += 1) {
      const started = performance.now();
      rows += (await store.search(kind.filter(run), PAGE, kind.after?.(run))).length;
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    results.push({
      driver,
      kind: kind.name,
      p50: percentile(times, 50),
      p99: percentile(times, 99),
      rows: Math.round(rows / RUNS),
    });
  }
  return results;
}

async function sqlite(): Promise<Result[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-message-log-'));
  const file = join(dir, 'inbox.sqlite');
  try {
    const started = performance.now();
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    migrateSqlite(db, SQLITE_INBOX_MIGRATIONS);
    const insert = db.prepare(
      `INSERT INTO inbox_messages (vendor, message_id, sender, payload, state, next_attempt_at,
       checkpoint, received_at, updated_at, incident_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    db.transaction(() => {
      for (let i = 0; i < ROWS; i += 1) {
        const at = T0 + i * STEP;
        const delivered = state(i) === 'delivered';
        const incident = delivered ? i * 100 + 1 : null;
        insert.run(
          VENDORS[i % VENDORS.length],
          messageId(i),
          sender(i),
          payload(i),
          state(i),
          at,
          delivered ? `{"contactId":${i},"incidentId":${incident}}` : '{}',
          at,
          at,
          incident,
        );
      }
    })();
    db.close();
    log(`sqlite: ${ROWS} rows written in ${Math.round(performance.now() - started)} ms`);
    const store = await SqliteInboxStore.open({
      file,
      groupCommitMaxBatch: 256,
      groupCommitWindowMs: 0,
    });
    try {
      await store.claim('bench', LEASED, 3_600_000);
      return await measure('sqlite', store);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgres(): Promise<Result[]> {
  const schema = await benchSchema('message-log');
  try {
    const started = performance.now();
    await withClient(schema.url, async (client) => {
      // The same rows as SQLite's, made by the server: one statement, no round trip per row.
      await client.query(
        `INSERT INTO inbox_messages (vendor, message_id, sender, payload, state, next_attempt_at,
           checkpoint, received_at, updated_at, incident_id)
         SELECT (ARRAY['twilio','telnyx','sinch','plivo','bandwidth'])[i % 5 + 1],
           'SM' || lpad(to_hex(i), 8, '0'),
           '+1415' || lpad((5000000 + i % ${SENDERS})::text, 7, '0'),
           json_build_object('vendor', (ARRAY['twilio','telnyx','sinch','plivo','bandwidth'])[i % 5 + 1],
             'messageId', 'SM' || lpad(to_hex(i), 8, '0'), 'kind', 'sms',
             'from', '+1415' || lpad((5000000 + i % ${SENDERS})::text, 7, '0'),
             'to', '+14155550100', 'text', 'My order has not arrived', 'media', '[]'::json,
             'receivedAt', '', 'raw', '{}'::json)::text,
           CASE WHEN i % 100 < 95 THEN 'delivered' WHEN i % 100 < 98 THEN 'skipped'
                WHEN i % 100 < 99 THEN 'dead' ELSE 'pending' END,
           $1::bigint + i * $2::bigint,
           CASE WHEN i % 100 < 95
             THEN json_build_object('contactId', i, 'incidentId', i * 100 + 1)::text ELSE '{}' END,
           $1::bigint + i * $2::bigint, $1::bigint + i * $2::bigint,
           CASE WHEN i % 100 < 95 THEN i * 100 + 1 END
         FROM generate_series(0, $3::int - 1) AS i`,
        [T0, STEP, ROWS],
      );
      await client.query('ANALYZE inbox_messages');
    });
    log(`postgres: ${ROWS} rows written in ${Math.round(performance.now() - started)} ms`);
    const database = await openTestDatabase(schema.url);
    const store = new PostgresInboxStore(database, {
      groupCommitMaxBatch: 256,
      groupCommitWindowMs: 0,
    });
    try {
      await store.claim('bench', LEASED, 3_600_000);
      return await measure('postgres', store);
    } finally {
      await store.close();
      await database.close();
    }
  } finally {
    await schema.drop();
  }
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(): Promise<void> {
  const results: Result[] = [];
  if (DRIVERS.includes('sqlite')) results.push(...(await sqlite()));
  if (DRIVERS.includes('postgres')) results.push(...(await postgres()));
  process.stdout.write(
    `GET /admin/messages store search, ${ROWS} messages, ${RUNS} runs per query, page ${PAGE}\n\n` +
      '| driver | query | p50 ms | p99 ms | rows/page |\n|---|---|---:|---:|---:|\n' +
      results
        .map((r) => `| ${r.driver} | ${r.kind} | ${r.p50} | ${r.p99} | ${r.rows} |`)
        .join('\n') +
      '\n',
  );
}

void main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
