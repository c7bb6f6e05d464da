import type { InboxStore } from '../../inbox/inbox-store.port';
import { DEFAULT_READINESS_OPTIONS } from '../readiness-options';
import { StoreCheck } from './store-check';

/** A store whose probe writes hang until the test lets them commit. */
function hangingStore() {
  const writes: (() => void)[] = [];
  const store: Pick<InboxStore, 'probeWrite'> = {
    probeWrite: () => new Promise<void>((resolve) => writes.push(resolve)),
  };
  return { store: store as InboxStore, writes };
}

describe('StoreCheck', () => {
  const options = { ...DEFAULT_READINESS_OPTIONS, storeTimeoutMs: 30 };

  it('reports down when the write does not commit in time, without piling up probe writes', async () => {
    const { store, writes } = hangingStore();
    const check = new StoreCheck(store, options);
    const reports = await Promise.all([check.check(), check.check()]);
    expect(reports.map((report) => report.state)).toEqual(['down', 'down']);
    expect(reports[0].lastError?.message).toBe('the probe write did not commit within 30 ms');
    // A later probe waits on the same stuck write instead of queueing another.
    expect((await check.check()).state).toBe('down');
    expect(writes).toHaveLength(1);

    writes[0]();
    await new Promise((resolve) => setImmediate(resolve));
    const next = check.check();
    expect(writes).toHaveLength(2);
    writes[1]();
    expect(await next).toMatchObject({
      state: 'up',
      critical: true,
      lastError: { message: 'the probe write did not commit within 30 ms' },
    });
  });

  it('reports the store error of a refused write', async () => {
    const store = {
      probeWrite: () =>
        Promise.reject(
          new Error('the inbox could not commit: SQLITE_FULL: database or disk is full'),
        ),
    } as Pick<InboxStore, 'probeWrite'> as InboxStore;
    expect(await new StoreCheck(store, options).check()).toMatchObject({
      state: 'down',
      lastError: { message: expect.stringMatching(/SQLITE_FULL/) },
    });
  });
});
