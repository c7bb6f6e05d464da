/**
 * PostgreSQL for the scenarios with several gateway processes (e–g): a fresh schema per scenario
 * on the server the tests use (test/support/postgres.ts: TEST_DATABASE_URL, else the local server
 * as postgres with trust authentication), migrated with the gateway's own migrations, a backlog
 * written straight into it, the inbox's progress, and the CPU the database spends for a gateway.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, Pool } from 'pg';
import { WAKE_CHANNEL } from '../../src/inbox/drivers/postgres/postgres-inbox.sql';
import { POSTGRES_MIGRATIONS } from '../../src/postgres-schema';
import { migratePostgres } from '../../src/storage/postgres/postgres-migrator';
import type { InboundMessage } from '../../src/messages/inbound-message';
import { encodeTwilioForm } from '../../src/vendors/twilio/fixtures';
import { parseTwilioPayload } from '../../src/vendors/twilio/twilio-payload';
import { freshSchema, postgresAvailable, TEST_DATABASE_URL } from '../../test/support/postgres';
import { nextSms, senderNumber } from './twilio-load';

export interface BenchSchema {
  /** DATABASE_URL for the gateways: the schema as search_path, and an application_name. */
  url: string;
  name: string;
  /** application_name of every connection made through `url` (pg lets the URL's win). */
  applicationName: string;
  drop(): Promise<void>;
}

/** The server as the report describes it: durability settings change what a commit costs. */
export interface PostgresServer {
  version: string;
  fsync: string;
  synchronousCommit: string;
  sharedBuffers: string;
  maxConnections: number;
}

/** Where the server is, without a password the URL may carry. */
export function serverAddress(): string {
  try {
    const url = new URL(TEST_DATABASE_URL);
    return `${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return 'the database of TEST_DATABASE_URL';
  }
}

/** A new empty schema, migrated as a gateway would migrate it, so processes start alike. */
export async function benchSchema(label: string): Promise<BenchSchema> {
  if (!(await postgresAvailable().catch(() => false))) {
    throw new Error(
      `PostgreSQL at ${serverAddress()} is not reachable: set TEST_DATABASE_URL, or run only ` +
        'the SQLite scenarios (BENCH_ONLY=a,b,c,d)',
    );
  }
  const schema = await freshSchema();
  const url = new URL(schema.url);
  const applicationName = `bench-${label}-${randomBytes(3).toString('hex')}`;
  url.searchParams.set('application_name', applicationName);
  try {
    const pool = new Pool({ connectionString: url.toString(), max: 1 });
    try {
      await migratePostgres(pool, POSTGRES_MIGRATIONS);
    } finally {
      await pool.end();
    }
  } catch (error) {
    await schema.drop().catch(() => undefined);
    throw error;
  }
  return { url: url.toString(), name: schema.name, applicationName, drop: schema.drop };
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function describeServer(url: string): Promise<PostgresServer> {
  return withClient(url, async (client) => {
    const setting = async (name: string) =>
      (await client.query<{ value: string }>(`SELECT current_setting($1) AS value`, [name])).rows[0]
        .value;
    return {
      version: await setting('server_version'),
      fsync: await setting('fsync'),
      synchronousCommit: await setting('synchronous_commit'),
      sharedBuffers: await setting('shared_buffers'),
      maxConnections: Number(await setting('max_connections')),
    };
  });
}

/** A stored message as the gateway stores it: a Twilio-parsed SMS, varied in id, sender, text. */
function messageFactory(): (i: number, idPrefix: string) => InboundMessage {
  const [template] = parseTwilioPayload({
    rawBody: Buffer.from(encodeTwilioForm(nextSms())),
    contentType: 'application/x-www-form-urlencoded',
    receivedAt: new Date(),
  });
  const raw = template.raw as Record<string, unknown>;
  return (i, idPrefix) => {
    const messageId = `SM${idPrefix}${i.toString(16).padStart(24, '0')}`;
    // Far from the load generator's senders (which count up from 1), all distinct.
    const from = senderNumber(5_000_000 + i);
    const text = `Backlog message ${i}: my order has not arrived`;
    return {
      ...template,
      messageId,
      from,
      text,
      raw: { ...raw, MessageSid: messageId, From: from, Body: text },
    };
  };
}

export interface PostgresFill {
  messages: number;
  /** Epoch ms just after the commit: the workers are woken by it. */
  committedAt: number;
  seconds: number;
}

const FILL_BATCH = 5_000;

/** Rows as the gateway's accept writes them (the schema is the gateway's own migration). */
const INSERT_PENDING = `
INSERT INTO inbox_messages (vendor, message_id, sender, payload, next_attempt_at, received_at,
  updated_at)
SELECT vendor, message_id, sender, payload, $5, $5, $5
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS r(vendor, message_id, sender, payload)`;

/**
 * Writes `count` pending messages of distinct new senders in one transaction and wakes every
 * listening gateway as an accepting one would (the notification is delivered at commit).
 */
export async function fillPostgresInbox(
  url: string,
  count: number,
  idPrefix: string,
): Promise<PostgresFill> {
  const started = Date.now();
  const make = messageFactory();
  return withClient(url, async (client) => {
    await client.query('BEGIN');
    try {
      for (let from = 0; from < count; from += FILL_BATCH) {
        const rows = Array.from({ length: Math.min(FILL_BATCH, count - from) }, (_, k) =>
          make(from + k, idPrefix),
        );
        await client.query(INSERT_PENDING, [
          rows.map((m) => m.vendor),
          rows.map((m) => m.messageId),
          rows.map((m) => m.from),
          rows.map((m) => JSON.stringify(m)),
          Date.now(),
        ]);
      }
      await client.query('SELECT pg_notify($1, $2)', [WAKE_CHANNEL, 'bench']);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    const committedAt = Date.now();
    return { messages: count, committedAt, seconds: (committedAt - started) / 1000 };
  });
}

export interface InboxProgress {
  pending: number;
  delivered: number;
  skipped: number;
  dead: number;
  /** Latest updated_at of a finished message (epoch ms, the gateways' clock), if any. */
  lastFinishedAt?: number;
}

export async function inboxProgress(client: Client): Promise<InboxProgress> {
  const { rows } = await client.query<{ state: string; n: number; last: string | null }>(
    `SELECT state, count(*)::int AS n, max(updated_at) AS last FROM inbox_messages GROUP BY state`,
  );
  const progress: InboxProgress = { pending: 0, delivered: 0, skipped: 0, dead: 0 };
  let last: number | undefined;
  for (const row of rows) {
    if (row.state in progress) progress[row.state as 'pending'] = row.n;
    if (row.state !== 'pending' && row.last !== null) {
      last = Math.max(last ?? 0, Number(row.last));
    }
  }
  return last === undefined ? progress : { ...progress, lastFinishedAt: last };
}

/** utime + stime, in clock ticks, of the server processes serving `applicationName`. */
export async function backendTicks(
  client: Client,
  applicationName: string,
): Promise<Map<number, number>> {
  const { rows } = await client.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
    [applicationName],
  );
  const ticks = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // Not on this host, or gone: the figure is left out rather than guessed.
    }
  }
  return ticks;
}

let ticksPerSecond: number | undefined;

/**
 * µs of CPU the backends spent between two samples. A backend that appears between them counts
 * from zero; one that ends between them is lost (the pool keeps its connections while busy).
 */
export function cpuUsBetween(before: Map<number, number>, after: Map<number, number>): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      ticksPerSecond = 100; // USER_HZ on every common Linux build
    }
  }
  let total = 0;
  for (const [pid, ticks] of after) total += ticks - (before.get(pid) ?? 0);
  return (total * 1e6) / ticksPerSecond;
}
