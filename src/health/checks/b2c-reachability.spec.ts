import type { B2cProbe } from '../b2c-probe';
import type { ReadinessOptions } from '../readiness-options';
import { B2cReachability } from './b2c-reachability';

/** A probe whose calls the test ends by hand, with a clock the test moves. */
function setup(options: Partial<ReadinessOptions> = {}) {
  let now = 1_000_000;
  let pausedUntil = 0;
  const calls: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const probe: B2cProbe = {
    call: () => new Promise<void>((resolve, reject) => calls.push({ resolve, reject })),
    pausedUntil: () => pausedUntil,
  };
  const reachability = new B2cReachability(probe, {
    b2cCacheMs: 5_000,
    b2cWaitMs: 50,
    storeTimeoutMs: 1_000,
    now: () => now,
    ...options,
  });
  return {
    reachability,
    calls,
    advance: (ms: number) => (now += ms),
    /** B2C asked for a pause of `ms` from now. */
    pauseFor: (ms: number) => (pausedUntil = now + ms),
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('B2cReachability', () => {
  it('shares one call among concurrent checks and reuses its result within the window', async () => {
    const { reachability, calls, advance } = setup();
    const pending = [reachability.check(), reachability.check(), reachability.check()];
    await flush();
    expect(calls).toHaveLength(1);
    calls[0].resolve();
    const reports = await Promise.all(pending);
    expect(reports.map((report) => report.state)).toEqual(['up', 'up', 'up']);

    advance(4_999);
    for (let i = 0; i < 10; i += 1) expect((await reachability.check()).state).toBe('up');
    expect(reachability.calls).toBe(1);

    advance(1);
    const next = reachability.check();
    await flush();
    expect(calls).toHaveLength(2);
    calls[1].resolve();
    await next;
  });

  it('caches a failure too, so a down B2C is not hammered, and keeps the last success time', async () => {
    const { reachability, calls, advance } = setup();
    const first = reachability.check();
    await flush();
    calls[0].resolve();
    const up = await first;
    expect(up.lastSuccessAt).toEqual(expect.any(String));

    advance(5_000);
    const second = reachability.check();
    await flush();
    calls[1].reject(new Error('B2C GET /queryResults answered 503'));
    const down = await second;
    expect(down).toMatchObject({
      state: 'down',
      critical: false,
      lastSuccessAt: up.lastSuccessAt,
      lastError: { message: 'B2C GET /queryResults answered 503' },
    });
    advance(1_000);
    expect((await reachability.check()).state).toBe('down');
    expect(reachability.calls).toBe(2);
  });

  it('answers within the wait bound with the previous result while a slow call goes on', async () => {
    const { reachability, calls, advance } = setup();
    const first = await reachability.check();
    // The first call has not answered: reachability is unknown, so not claimed.
    expect(first).toMatchObject({ state: 'down', callUnderWay: true });
    calls[0].resolve();
    await flush();
    expect((await reachability.check()).state).toBe('up');

    advance(5_000);
    const slow = await reachability.check();
    expect(slow).toMatchObject({ state: 'up', callUnderWay: true });
    // Probes meanwhile join the call under way rather than starting another.
    await reachability.check();
    expect(calls).toHaveLength(2);
    calls[1].reject(new Error('B2C GET /queryResults failed: ECONNABORTED'));
    await flush();
    expect((await reachability.check()).state).toBe('down');
    expect(calls).toHaveLength(2);
  });

  describe('while B2C asked for a pause', () => {
    it('reports the last result and when the pause ends without calling B2C, then calls again', async () => {
      const { reachability, calls, advance, pauseFor } = setup();
      const first = reachability.check();
      await flush();
      calls[0].resolve();
      expect((await first).state).toBe('up');

      advance(5_000);
      const until = pauseFor(3_000);
      const paused = await reachability.check();
      expect(paused).toMatchObject({
        state: 'up',
        pausedUntil: new Date(until).toISOString(),
        ageMs: 5_000,
      });
      expect(paused.callUnderWay).toBeUndefined();
      advance(2_999);
      await reachability.check();
      expect(calls).toHaveLength(1);

      advance(1);
      const after = reachability.check();
      await flush();
      expect(calls).toHaveLength(2);
      calls[1].resolve();
      expect(await after).not.toHaveProperty('pausedUntil');
    });

    it('says until when in the report of the very call B2C throttled', async () => {
      const { reachability, calls, pauseFor } = setup();
      const check = reachability.check();
      await flush();
      const until = pauseFor(2_000);
      calls[0].reject(new Error('B2C GET /queryResults throttled'));
      expect(await check).toMatchObject({
        state: 'down',
        pausedUntil: new Date(until).toISOString(),
      });
    });

    it('keeps a failure as the last result rather than claiming B2C is up', async () => {
      const { reachability, calls, advance, pauseFor } = setup();
      const first = reachability.check();
      await flush();
      calls[0].reject(new Error('B2C GET /queryResults throttled'));
      await first;
      advance(6_000);
      pauseFor(1_000);
      expect(await reachability.check()).toMatchObject({
        state: 'down',
        lastError: { message: 'B2C GET /queryResults throttled' },
      });
      expect(calls).toHaveLength(1);
    });

    it('answers at once, degraded, before any result', async () => {
      const { reachability, calls, pauseFor } = setup({ b2cWaitMs: 60_000 });
      const until = pauseFor(2_000);
      expect(await reachability.check()).toMatchObject({
        state: 'degraded',
        critical: false,
        pausedUntil: new Date(until).toISOString(),
        reason: expect.stringContaining('pause'),
      });
      expect(calls).toHaveLength(0);
    });
  });
});
