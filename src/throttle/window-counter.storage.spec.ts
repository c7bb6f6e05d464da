import { WindowCounterStorage } from './window-counter.storage';

const WINDOW = 1000;

function storageAt(start = 1_000_000) {
  const clock = { now: start };
  const storage = new WindowCounterStorage(() => clock.now);
  const hit = (key = 'vendor|twilio', limit = 3, blockDuration = WINDOW) =>
    storage.increment(key, WINDOW, limit, blockDuration);
  return { clock, storage, hit };
}

async function outcomes(hit: () => Promise<{ isBlocked: boolean }>, count: number) {
  const blocked: boolean[] = [];
  for (let i = 0; i < count; i += 1) blocked.push((await hit()).isBlocked);
  return blocked;
}

describe('WindowCounterStorage', () => {
  it('counts exactly within a first window and blocks the hit over the limit', async () => {
    const { hit } = storageAt();
    expect(await outcomes(() => hit(), 5)).toEqual([false, false, false, true, true]);
    const record = await hit();
    expect(record).toMatchObject({ isBlocked: true, timeToBlockExpire: 1 });
  });

  it('keeps a key blocked for the block duration, then lets it through again', async () => {
    const { clock, hit } = storageAt();
    await outcomes(() => hit('k', 1, 5000), 2);
    clock.now += 4000;
    expect(await hit('k', 1, 5000)).toMatchObject({ isBlocked: true, timeToBlockExpire: 1 });
    clock.now += 1001;
    expect((await hit('k', 1, 5000)).isBlocked).toBe(false);
  });

  it('weighs the previous window by how much of it the sliding window still covers', async () => {
    const { clock, hit } = storageAt();
    expect(await outcomes(() => hit('k', 10), 10)).not.toContain(true);
    // Half-way into the next window, half of the previous 10 still count: 5 more fit, not 6.
    clock.now += WINDOW + WINDOW / 2;
    expect(await outcomes(() => hit('k', 10), 6)).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
  });

  it('forgets a window once two have passed', async () => {
    const { clock, hit } = storageAt();
    await outcomes(() => hit('k', 2), 2);
    clock.now += 2 * WINDOW;
    expect(await outcomes(() => hit('k', 2), 3)).toEqual([false, false, true]);
  });

  it('keeps keys apart', async () => {
    const { hit } = storageAt();
    await outcomes(() => hit('source|10.0.0.1', 1), 2);
    expect((await hit('source|10.0.0.2', 1)).isBlocked).toBe(false);
  });

  it('drops idle keys, so made-up trackers do not pile up', async () => {
    const { clock, storage, hit } = storageAt();
    for (let i = 0; i < 100; i += 1) await hit(`source|10.0.0.${i}`);
    expect(storage.size).toBe(100);
    clock.now += 10_000;
    await hit('vendor|twilio');
    expect(storage.size).toBe(1);
  });
});
