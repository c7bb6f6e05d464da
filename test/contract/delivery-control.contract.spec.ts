import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { B2cFlowControl } from '../../src/delivery/flow-control/b2c-flow-control.port';
import type { DeliveryControlStore } from '../../src/delivery/control/delivery-control-store.port';
import { DeliveryControl } from '../../src/delivery/control/delivery-control.service';
import { deliveryPauseProvider } from '../../src/delivery/control/delivery-pause.provider';
import { PostgresDeliveryControlStore } from '../../src/delivery/control/drivers/postgres-delivery-control.store';
import { SqliteDeliveryControlStore } from '../../src/delivery/control/drivers/sqlite-delivery-control.store';
import type { DeliveryPause } from '../../src/delivery/delivery-worker';
import type { PostgresDatabase } from '../../src/storage/postgres/postgres-database';
import {
  freshSchema,
  openTestDatabase,
  postgresAvailableSync,
  type TestSchema,
} from '../support/postgres';
import { waitFor } from '../support/wait-for';

interface ControlDriver {
  name: string;
  /** Another instance may be opened beside the first, standing for another process. */
  shared: boolean;
  available: boolean;
  setUp(): Promise<void>;
  /** A store on the same place as every other one opened since setUp (a restart, or a peer). */
  open(): Promise<DeliveryControlStore>;
  tearDown(): Promise<void>;
}

function sqliteControl(): ControlDriver {
  let dir: string | undefined;
  const stores: DeliveryControlStore[] = [];
  return {
    name: 'sqlite',
    shared: false,
    available: true,
    setUp: () => {
      dir = mkdtempSync(join(tmpdir(), 'delivery-control-'));
      return Promise.resolve();
    },
    open: () => {
      // One process at a time owns the file: the one before "stopped".
      for (const store of stores.splice(0)) void store.close();
      const store = new SqliteDeliveryControlStore(join(dir!, 'delivery-control.sqlite'));
      stores.push(store);
      return Promise.resolve(store);
    },
    tearDown: async () => {
      for (const store of stores.splice(0)) await store.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresControl(): ControlDriver {
  let schema: TestSchema | undefined;
  const databases: PostgresDatabase[] = [];
  return {
    name: 'postgres',
    shared: true,
    available: postgresAvailableSync('delivery control contract'),
    setUp: async () => {
      schema = await freshSchema();
    },
    open: async () => {
      const database = await openTestDatabase(schema!.url);
      databases.push(database);
      return new PostgresDeliveryControlStore(database);
    },
    tearDown: async () => {
      for (const database of databases.splice(0)) await database.close();
      await schema?.drop();
    },
  };
}

const T0 = 1_795_428_000_000;

/** The pause the worker obeys, over this control and a B2C flow control paused until `b2c`. */
function workerPause(control: DeliveryControl, b2c = { until: 0 }): DeliveryPause {
  const flow = { pausedUntil: () => b2c.until } as B2cFlowControl;
  const factory = (deliveryPauseProvider as { useFactory: (...args: unknown[]) => DeliveryPause })
    .useFactory;
  return factory(control, flow);
}

describe.each([sqliteControl(), postgresControl()])(
  'delivery control contract: $name',
  (driver) => {
    const test = driver.available ? it : it.skip;
    const sharedTest = driver.available && driver.shared ? it : it.skip;
    const controls: DeliveryControl[] = [];

    beforeEach(async () => {
      if (driver.available) await driver.setUp();
    });
    afterEach(async () => {
      for (const control of controls.splice(0)) await control.onModuleDestroy();
      if (driver.available) await driver.tearDown();
    });

    async function control(): Promise<DeliveryControl> {
      const made = new DeliveryControl(await driver.open());
      await made.onModuleInit();
      controls.push(made);
      return made;
    }

    test('is not paused at first', async () => {
      const store = await driver.open();
      expect(await store.read()).toEqual({ paused: false });
    });

    test('pauses with who, when and why; a second pause keeps the first', async () => {
      const store = await driver.open();
      expect(await store.pause('alice', T0, 'B2C maintenance')).toEqual({
        paused: true,
        changedBy: 'alice',
        changedAt: T0,
        reason: 'B2C maintenance',
      });
      expect(await store.pause('bob', T0 + 5, 'other')).toMatchObject({
        changedBy: 'alice',
        changedAt: T0,
        reason: 'B2C maintenance',
      });
      expect(await store.read()).toMatchObject({ paused: true, changedBy: 'alice' });
    });

    test('resumes, saying who; resuming while not paused changes nothing', async () => {
      const store = await driver.open();
      expect(await store.resume('bob', T0)).toEqual({ paused: false });
      await store.pause('alice', T0 + 1);
      expect(await store.resume('bob', T0 + 2)).toEqual({
        paused: false,
        changedBy: 'bob',
        changedAt: T0 + 2,
      });
      expect(await store.read()).toEqual({ paused: false, changedBy: 'bob', changedAt: T0 + 2 });
    });

    test('the pause outlives a restart: a store opened again reads it', async () => {
      await (await driver.open()).pause('alice', T0, 'held over');
      const again = await driver.open();
      expect(await again.read()).toMatchObject({
        paused: true,
        changedBy: 'alice',
        reason: 'held over',
      });
    });

    test('DeliveryControl reads the pause at start and the worker holds back for ever', async () => {
      await (await driver.open()).pause('alice', T0);
      const restarted = await control();
      expect(restarted.current()).toMatchObject({ paused: true, changedBy: 'alice' });
      const b2c = { until: Date.now() + 60_000 };
      expect(workerPause(restarted, b2c).pausedUntil()).toBe(Number.POSITIVE_INFINITY);
      const changes: boolean[] = [];
      restarted.onChange((state) => changes.push(state.paused));
      await restarted.resume('bob');
      expect(changes).toEqual([false]);
      // Resumed: only B2C's own pause is left.
      expect(workerPause(restarted, b2c).pausedUntil()).toBe(b2c.until);
      expect(workerPause(restarted).pausedUntil()).toBe(0);
    });

    sharedTest(
      'a pause taken by one process holds every other one, and so does the resume',
      async () => {
        const a = await control();
        const b = await control();
        const heard: boolean[] = [];
        b.onChange((state) => heard.push(state.paused));
        await a.pause('alice', 'shared');
        // Notified, well within the 1 s refresh: wait for the event, not for a time.
        await waitFor('B to see the pause', () => (b.paused ? true : undefined), 3_000, 10);
        expect(b.current()).toMatchObject({ paused: true, changedBy: 'alice', reason: 'shared' });
        expect(workerPause(b).pausedUntil()).toBe(Number.POSITIVE_INFINITY);
        await a.resume('bob');
        await waitFor('B to see the resume', () => (b.paused ? undefined : true), 3_000, 10);
        expect(heard).toEqual([true, false]);
      },
    );

    sharedTest(
      'without notifications, another process sees a change within about a second',
      async () => {
        const a = await control();
        // A store whose notifications never come: only the periodic read can tell B.
        const quiet = await driver.open();
        quiet.onChange = () => () => undefined;
        const b = new DeliveryControl(quiet);
        await b.onModuleInit();
        controls.push(b);
        await a.pause('alice');
        const started = Date.now();
        await waitFor('B to read the pause', () => (b.paused ? true : undefined), 3_000, 10);
        expect(Date.now() - started).toBeLessThan(2_000);
      },
    );
  },
);
