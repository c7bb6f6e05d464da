import { Client } from 'pg';
import { MemoryRefusalLog } from '../../src/refusals/memory-refusal-log';
import { PostgresRefusalLog } from '../../src/refusals/postgres-refusal-log';
import { INSTANCE_ID } from '../../src/common/problem/reference-id';
import type { RefusalLog } from '../../src/refusals/refusal-log.port';
import type { PostgresDatabase } from '../../src/storage/postgres/postgres-database';
import {
  freshSchema,
  openTestDatabase,
  postgresAvailableSync,
  type TestSchema,
} from '../support/postgres';

interface LogOptions {
  ttlMs?: number;
  maxRows?: number;
  clock: () => number;
}

/** One instance's refusal log, with the housekeeping a test drives by hand. */
interface Instance {
  log: RefusalLog;
  /** Until the log's writes have landed. */
  flush(): Promise<void>;
  sweep(): Promise<void>;
}

interface Driver {
  name: string;
  /** Whether an instance finds what another one recorded. */
  shared: boolean;
  /** False when the driver's server is missing (outside CI): its cases are skipped. */
  available: boolean;
  /** A fresh, empty store for one test. */
  setUp(): Promise<void>;
  /** Another instance (process) on the test's store. */
  open(options: LogOptions): Promise<Instance>;
  /** Holds the store's writes back until the returned function is called (a no-op in memory). */
  holdWrites(): Promise<() => Promise<void>>;
  /** Refusals the store holds, expired ones not yet swept included. */
  stored(): Promise<number>;
  tearDown(): Promise<void>;
}

function memoryDriver(): Driver {
  const logs: MemoryRefusalLog[] = [];
  return {
    name: 'memory',
    shared: false,
    available: true,
    setUp: () => Promise.resolve(),
    open: (options) => {
      const log = new MemoryRefusalLog({ ...options, capacity: options.maxRows });
      logs.push(log);
      const nothing = () => Promise.resolve();
      return Promise.resolve({ log, flush: nothing, sweep: nothing });
    },
    holdWrites: () => Promise.resolve(() => Promise.resolve()),
    // The LRU keeps expired entries until they are pushed out; what counts is that they are
    // not found, which the expiry test checks.
    stored: () => Promise.resolve(logs.reduce((total, log) => total + log.size, 0)),
    tearDown: () => {
      logs.length = 0;
      return Promise.resolve();
    },
  };
}

function postgresDriver(): Driver {
  let schema: TestSchema | undefined;
  const databases: PostgresDatabase[] = [];
  const logs: PostgresRefusalLog[] = [];
  const openDatabase = async () => {
    const database = await openTestDatabase(schema!.url);
    databases.push(database);
    return database;
  };
  return {
    name: 'postgres',
    shared: true,
    available: postgresAvailableSync('refusal log contract'),
    setUp: async () => {
      schema = await freshSchema();
    },
    open: async (options) => {
      const log = new PostgresRefusalLog(await openDatabase(), options);
      logs.push(log);
      return { log, flush: () => log.flush(), sweep: async () => void (await log.sweep()) };
    },
    holdWrites: async () => {
      // An EXCLUSIVE lock lets reads through and makes every INSERT wait.
      const holder = new Client({ connectionString: schema!.url });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE refusals IN EXCLUSIVE MODE');
      return async () => {
        await holder.query('ROLLBACK');
        await holder.end();
      };
    },
    stored: async () => {
      const { rows } = await databases[0].query<{ count: string }>('SELECT count(*) FROM refusals');
      return Number(rows[0].count);
    },
    tearDown: async () => {
      for (const log of logs.splice(0)) await log.onApplicationShutdown();
      for (const database of databases.splice(0)) await database.close();
      await schema?.drop();
      schema = undefined;
    },
  };
}

const referenceId = (request: number) => `203.${INSTANCE_ID}.1795428000.${request.toString(16)}`;

describe.each([memoryDriver(), postgresDriver()])('refusal log: $name', (driver) => {
  const test = driver.available ? it : it.skip;
  const clock = { now: 1_795_428_000_000 };
  const now = () => clock.now;

  beforeEach(async () => {
    clock.now = 1_795_428_000_000;
    if (driver.available) await driver.setUp();
  });
  afterEach(async () => {
    if (driver.available) await driver.tearDown();
  });

  test('finds what it recorded by any spelling of the id, and nothing else', async () => {
    const { log, flush } = await driver.open({ clock: now });
    const line = { status: 403, path: '/vendors/twilio/webhook', decision: { allowed: false } };
    log.record(referenceId(0x2a), line);
    await flush();
    expect(await log.find(`  ${referenceId(0x2a).toUpperCase()}\n`)).toEqual(line);
    expect(await log.find(referenceId(0x2b))).toBeUndefined();
  });

  test('finds a refusal at once: before, while and after it is written', async () => {
    const { log, flush } = await driver.open({ clock: now });
    const release = await driver.holdWrites();
    try {
      log.record(referenceId(0x2a), { status: 403 });
      expect(await log.find(referenceId(0x2a))).toEqual({ status: 403 });
      // One turn later the write has begun and waits: an admin who asks now still gets it.
      await new Promise((resolve) => setImmediate(resolve));
      expect(await log.find(referenceId(0x2a))).toEqual({ status: 403 });
    } finally {
      await release();
    }
    await flush();
    expect(await log.find(referenceId(0x2a))).toEqual({ status: 403 });
  });

  test('lets another instance on the same store find it when the log is shared', async () => {
    const first = await driver.open({ clock: now });
    const second = await driver.open({ clock: now });
    first.log.record(referenceId(1), { status: 401 });
    await first.flush();
    expect(await second.log.find(referenceId(1))).toEqual(
      driver.shared ? { status: 401 } : undefined,
    );
  });

  test('forgets a refusal once its time to live has passed', async () => {
    const { log, flush, sweep } = await driver.open({ clock: now, ttlMs: 60_000 });
    log.record(referenceId(1), { status: 401 });
    await flush();
    clock.now += 59_999;
    expect(await log.find(referenceId(1))).toEqual({ status: 401 });
    clock.now += 1;
    expect(await log.find(referenceId(1))).toBeUndefined();
    await sweep();
    if (driver.shared) expect(await driver.stored()).toBe(0);
  });

  test('keeps at most its bound, forgetting the oldest first', async () => {
    const { log, flush, sweep } = await driver.open({ clock: now, maxRows: 50 });
    for (let request = 0; request < 80; request += 1) {
      log.record(referenceId(request), { request });
      clock.now += 1;
    }
    await flush();
    await sweep();
    expect(await driver.stored()).toBe(50);
    expect(await log.find(referenceId(29))).toBeUndefined();
    expect(await log.find(referenceId(30))).toEqual({ request: 30 });
    expect(await log.find(referenceId(79))).toEqual({ request: 79 });
  });

  test('counts the refusals of one kind recorded since a time, across instances if shared', async () => {
    const first = await driver.open({ clock: now });
    const second = await driver.open({ clock: now });
    const signature = { problem: 'signature-rejected', status: 403 };
    first.log.record(referenceId(1), signature);
    clock.now += 1_000;
    const since = clock.now;
    first.log.record(referenceId(2), signature);
    first.log.record(referenceId(3), { problem: 'not-allowed', status: 403 });
    clock.now += 1_000;
    second.log.record(referenceId(4), signature);
    await second.flush();
    // The first instance's refusals are not flushed: counting writes what waits first.
    expect(await first.log.countSince('signature-rejected', since)).toBe(driver.shared ? 2 : 1);
    expect(await second.log.countSince('signature-rejected', since)).toBe(driver.shared ? 2 : 1);
    expect(await first.log.countSince('signature-rejected', since - 1_000)).toBe(
      driver.shared ? 3 : 2,
    );
    expect(await first.log.countSince('not-allowed', since)).toBe(1);
    expect(await first.log.countSince('signature-rejected', clock.now + 1)).toBe(0);
  });

  test('takes a flood of refusals in one turn, and finds every one', async () => {
    const { log, flush } = await driver.open({ clock: now });
    for (let request = 0; request < 2_500; request += 1) log.record(referenceId(request), {});
    await flush();
    expect(await driver.stored()).toBe(2_500);
    expect(await log.find(referenceId(0))).toEqual({});
    expect(await log.find(referenceId(2_499))).toEqual({});
  });
});
