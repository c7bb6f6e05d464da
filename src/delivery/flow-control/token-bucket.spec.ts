import fc from 'fast-check';
import { ConfigError } from '../../common/problem/config-error';
import { loadGatewayConfig } from '../../config/load-config';
import { defaultBurst } from './gcra';
import { TokenBucketRateLimiter } from './token-bucket';

/** A clock that moves only when told to, and a sleep that moves it. */
function fakeTime(start = 1_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    advance: (ms: number) => (now += ms),
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('TokenBucketRateLimiter', () => {
  it('spaces requests 1000 / rate ms apart when the bucket holds one', () => {
    const time = fakeTime();
    const limiter = new TokenBucketRateLimiter(10, 1, time.now);
    expect([1, 2, 3, 4, 5].map(() => limiter.reserve())).toEqual([0, 100, 200, 300, 400]);
  });

  it('lets a full bucket go at once, then spaces the rest', () => {
    const time = fakeTime();
    const limiter = new TokenBucketRateLimiter(100, 5, time.now);
    const waits = Array.from({ length: 8 }, () => limiter.reserve());
    expect(waits).toEqual([0, 0, 0, 0, 0, 10, 20, 30]);
  });

  it('refills while idle, but never beyond the bucket', () => {
    const time = fakeTime();
    const limiter = new TokenBucketRateLimiter(100, 5, time.now);
    for (let i = 0; i < 8; i += 1) limiter.reserve();
    time.advance(60_000);
    const waits = Array.from({ length: 7 }, () => limiter.reserve());
    expect(waits).toEqual([0, 0, 0, 0, 0, 10, 20]);
  });

  it('keeps the rate when timers fire late (a late wake-up does not push later slots back)', async () => {
    const time = fakeTime();
    const lateMs = 3;
    const limiter = new TokenBucketRateLimiter(
      50,
      1,
      time.now,
      // Every timer fires 3 ms late, as on a busy event loop.
      async (ms) => void time.advance(ms + lateMs),
    );
    const start = time.now();
    const count = 100;
    for (let i = 0; i < count; i += 1) await limiter.acquire();
    const achieved = count / ((time.now() - start) / 1000);
    // 100 sends: the first at 0, the last at 99 × 20 ms (+ its lateness).
    expect(achieved).toBeGreaterThan(50 * 0.99);
    expect(achieved).toBeLessThanOrEqual(50 * (count / (count - 1)));
  });

  it('never lets more than burst + window × rate requests out in any window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 120 }),
        (rate, burst, gaps) => {
          const time = fakeTime(0);
          const limiter = new TokenBucketRateLimiter(rate, burst, time.now);
          const sendTimes = gaps.map((gap) => {
            time.advance(gap);
            return time.now() + limiter.reserve();
          });
          const interval = 1000 / rate;
          for (let i = 0; i < sendTimes.length; i += 1) {
            for (let j = i; j < sendTimes.length; j += 1) {
              const window = sendTimes[j] - sendTimes[i];
              const allowed = burst + Math.floor(window / interval + 1e-9);
              if (j - i + 1 > allowed) return false;
            }
          }
          // Sends leave in arrival order.
          return sendTimes.every((t, i) => i === 0 || t >= sendTimes[i - 1]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sleeps only when it has to', async () => {
    const time = fakeTime();
    const limiter = new TokenBucketRateLimiter(4, 1, time.now, time.sleep);
    await limiter.acquire();
    await limiter.acquire();
    await limiter.acquire();
    expect(time.sleeps).toEqual([250, 250]);
  });

  it('refuses a rate or bucket that would not limit anything', () => {
    expect(() => new TokenBucketRateLimiter(0)).toThrow(RangeError);
    expect(() => new TokenBucketRateLimiter(-1)).toThrow(RangeError);
    expect(() => new TokenBucketRateLimiter(Number.NaN)).toThrow(RangeError);
    expect(() => new TokenBucketRateLimiter(Infinity)).toThrow(RangeError);
    expect(() => new TokenBucketRateLimiter(10, 0)).toThrow(RangeError);
    expect(() => new TokenBucketRateLimiter(10, 1.5)).toThrow(RangeError);
  });

  it('holds about 50 ms of requests by default, at least one', () => {
    expect(defaultBurst(1)).toBe(1);
    expect(defaultBurst(10)).toBe(1);
    expect(defaultBurst(100)).toBe(5);
    expect(defaultBurst(1000)).toBe(50);
  });
});

describe('b2c.rateLimitPerSecond configuration', () => {
  it('is off by default and set by B2C_RATE_LIMIT_PER_SECOND', () => {
    expect(loadGatewayConfig({}).b2c.rateLimitPerSecond).toBe(0);
    expect(loadGatewayConfig({ B2C_RATE_LIMIT_PER_SECOND: '25' }).b2c.rateLimitPerSecond).toBe(25);
  });

  it.each(['-1', '2.5', 'fast', '10001'])('refuses %p, naming the variable', (value) => {
    expect(() => loadGatewayConfig({ B2C_RATE_LIMIT_PER_SECOND: value })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ B2C_RATE_LIMIT_PER_SECOND: value })).toThrow(
      /b2c\.rateLimitPerSecond \(B2C_RATE_LIMIT_PER_SECOND\)/,
    );
  });
});
