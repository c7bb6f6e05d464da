import {
  B2cFlowControlClosedError,
  type B2cFlowControl,
} from '../../src/delivery/flow-control/b2c-flow-control.port';
import { systemClock } from '../../src/delivery/flow-control/flow-clock';
import { MemoryB2cFlowControl } from '../../src/delivery/flow-control/memory-flow-control';
import { PostgresB2cFlowControl } from '../../src/delivery/flow-control/postgres-flow-control';
import { PostgresDatabase } from '../../src/storage/postgres/postgres-database';
import {
  freshSchema,
  openTestDatabase,
  postgresAvailableSync,
  type TestSchema,
} from '../support/postgres';

/**
 * B2cFlowControl on real time, over both implementations. Each `open` stands for another
 * process: with postgres it has its own pool and listening connection on the test's schema.
 * Assertions bound times from below only (a slow machine can only make things later), except
 * where the question is whether something happened promptly.
 */
interface Driver {
  name: string;
  /** Whether instances share the limit and the pause (one store for several processes). */
  shared: boolean;
  /** False only outside CI, when the driver's server is missing: its cases are then skipped. */
  available: boolean;
  setUp(): Promise<void>;
  open(ratePerSecond: number, burst?: number): Promise<B2cFlowControl>;
  tearDown(): Promise<void>;
}

function memoryDriver(): Driver {
  const flows: B2cFlowControl[] = [];
  return {
    name: 'memory',
    shared: false,
    available: true,
    setUp: async () => {},
    open: async (rate, burst) => {
      const flow = new MemoryB2cFlowControl(rate, systemClock, burst);
      flows.push(flow);
      return flow;
    },
    tearDown: async () => {
      for (const flow of flows.splice(0)) await flow.close();
    },
  };
}

interface PostgresDriver extends Driver {
  schema(): TestSchema;
  /** A database on another schema of the same server, as another deployment would have. */
  openDatabase(schema: TestSchema): Promise<PostgresDatabase>;
}

function postgresDriver(): PostgresDriver {
  let schema: TestSchema | undefined;
  const flows: B2cFlowControl[] = [];
  const databases: PostgresDatabase[] = [];
  const openDatabase = async (on: TestSchema) => {
    const database = await openTestDatabase(on.url);
    databases.push(database);
    return database;
  };
  return {
    name: 'postgres',
    shared: true,
    available: postgresAvailableSync('B2C flow control contract'),
    setUp: async () => {
      schema = await freshSchema();
    },
    open: async (rate, burst) => {
      const database = await openDatabase(schema!);
      const flow = await PostgresB2cFlowControl.open(database, rate, systemClock, burst);
      flows.push(flow);
      return flow;
    },
    tearDown: async () => {
      for (const flow of flows.splice(0)) await flow.close();
      for (const database of databases.splice(0)) await database.close();
      await schema?.drop();
      schema = undefined;
    },
    schema: () => schema!,
    openDatabase,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it holds or `ms` have passed; says whether it held. */
async function within(ms: number, condition: () => boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await sleep(5);
  }
  return true;
}

/** Most of `times` (epoch ms) falling in any window of `windowMs`. */
function mostInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j += 1) {
    while (sorted[j] - sorted[i] >= windowMs) i += 1;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

/** Each instance takes `each` turns, one after the other; when each turn was given. */
async function takeTurns(flows: B2cFlowControl[], each: number): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(
    flows.map(async (flow) => {
      for (let i = 0; i < each; i += 1) {
        await flow.acquire();
        times.push(Date.now());
      }
    }),
  );
  return times;
}

const drivers = [memoryDriver(), postgresDriver()];

describe.each(drivers)('B2C flow control contract: $name', (driver) => {
  const test = driver.available ? it : it.skip;

  beforeEach(async () => {
    if (driver.available) await driver.setUp();
  });
  afterEach(async () => {
    if (driver.available) await driver.tearDown();
  });

  test('holds acquire until a pause ends, and never shortens a pause', async () => {
    const flow = await driver.open(0);
    const until = Date.now() + 400;
    await flow.pause(until);
    await flow.pause(until - 300);
    expect(flow.pausedUntil()).toBe(until);
    await flow.acquire();
    expect(Date.now()).toBeGreaterThanOrEqual(until - 1);
  });

  test('holds the rate for one instance: at most burst + rate in any second', async () => {
    const flow = await driver.open(20, 1);
    const start = Date.now();
    const times = await takeTurns([flow], 25);
    // 25 turns 50 ms apart: the last no sooner than 24 × 50 ms after the first.
    expect(Math.max(...times) - start).toBeGreaterThanOrEqual(24 * 50 - 2);
    // Timers may fire a millisecond early: the window is a little under a second.
    expect(mostInWindow(times, 990)).toBeLessThanOrEqual(21);
  });

  test(`${driver.shared ? 'shares' : 'does not share'} the rate between instances`, async () => {
    const flows = [await driver.open(20, 1), await driver.open(20, 1)];
    const times = await takeTurns(flows, 15);
    const most = mostInWindow(times, 990);
    if (driver.shared) {
      expect(most).toBeLessThanOrEqual(21);
    } else {
      // Each instance goes at its own 20/s: 30 turns in about 0.7 s.
      expect(most).toBeGreaterThan(21);
    }
  });

  test(`${driver.shared ? 'shows' : 'does not show'} a pause to another instance within 500 ms`, async () => {
    const [first, second] = [await driver.open(0), await driver.open(0)];
    const until = Date.now() + 2_000;
    await first.pause(until);
    expect(await within(500, () => second.pausedUntil() >= until)).toBe(driver.shared);
  });

  test(`${driver.shared ? 'stops' : 'does not stop'} another instance's caller already waiting for its turn`, async () => {
    const [first, second] = [await driver.open(5, 1), await driver.open(5, 1)];
    // The second instance's next turn is 200 ms away (shared or not, it took the last one).
    await second.acquire();
    const start = Date.now();
    const waiting = second.acquire().then(() => Date.now());
    await sleep(50);
    const until = start + 700;
    await first.pause(until);
    const sent = await waiting;
    if (driver.shared) {
      expect(sent).toBeGreaterThanOrEqual(until - 1);
    } else {
      expect(sent).toBeLessThan(until);
    }
  });

  test('rejects a caller waiting on a pause when closed', async () => {
    const flow = await driver.open(0);
    await flow.pause(Date.now() + 60_000);
    const waiting = flow.acquire();
    await sleep(20);
    await flow.close();
    await expect(waiting).rejects.toBeInstanceOf(B2cFlowControlClosedError);
  });
});

describe('B2C flow control contract: postgres only', () => {
  const driver = drivers[1] as PostgresDriver;
  const test = driver.available ? it : it.skip;

  beforeEach(async () => {
    if (driver.available) await driver.setUp();
  });
  afterEach(async () => {
    if (driver.available) await driver.tearDown();
  });

  test('reads the pause under way when it opens (a process started during a pause)', async () => {
    const first = await driver.open(0);
    const until = Date.now() + 5_000;
    await first.pause(until);
    const later = await driver.open(0);
    expect(later.pausedUntil()).toBe(until);
  });

  test('learns of a pause whose notification it missed from its next turn', async () => {
    const flow = await driver.open(50);
    const database = await driver.openDatabase(driver.schema());
    const until = Date.now() + 400;
    // Written as by a process whose notification never arrived.
    await database.query(`UPDATE b2c_flow_control SET paused_until = $1`, [until]);
    // The turn's statement returns the pause too: the call waits for it.
    await flow.acquire();
    expect(flow.pausedUntil()).toBe(until);
    expect(Date.now()).toBeGreaterThanOrEqual(until - 1);
  });

  test('ignores pauses of another schema on the same database (notifications are per database)', async () => {
    const flow = await driver.open(0);
    const other = await freshSchema();
    try {
      const database = await driver.openDatabase(other);
      const elsewhere = await PostgresB2cFlowControl.open(database, 0);
      await elsewhere.pause(Date.now() + 5_000);
      await elsewhere.close();
      // A shorter pause here, announced after it: notifications arrive in commit order, so once
      // this one is heard the other was too. Taken from the other's payload, the longer pause
      // would stay (a known pause only grows) and this one would never show.
      const here = Date.now() + 2_000;
      await (await driver.open(0)).pause(here);
      expect(await within(5_000, () => flow.pausedUntil() !== 0)).toBe(true);
      expect(flow.pausedUntil()).toBe(here);
    } finally {
      await other.drop();
    }
  });

  test('recreates its row when it is lost (an UNLOGGED table is emptied by a crash)', async () => {
    const flow = await driver.open(50);
    const database = await driver.openDatabase(driver.schema());
    await database.query('DELETE FROM b2c_flow_control');
    await flow.acquire();
    const until = Date.now() + 300;
    await flow.pause(until);
    const { rows } = await database.query<{ paused_until: string }>(
      'SELECT paused_until FROM b2c_flow_control',
    );
    expect(rows.map((row) => Number(row.paused_until))).toEqual([until]);
  });
});
