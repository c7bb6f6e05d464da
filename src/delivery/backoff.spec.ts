import { retryDelayMs } from './backoff';

describe('retryDelayMs', () => {
  it('doubles per attempt between half and all of the exponential step', () => {
    expect(retryDelayMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(retryDelayMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(retryDelayMs(4, 1000, 60_000, () => 0)).toBe(4000);
    expect(retryDelayMs(4, 1000, 60_000, () => 1)).toBe(8000);
  });

  it('is capped by the maximum, however many attempts', () => {
    expect(retryDelayMs(40, 1000, 60_000, () => 1)).toBe(60_000);
    expect(retryDelayMs(1000, 1000, 60_000, () => 0.5)).toBe(45_000);
  });

  it('never retries sooner than the pause the far side asked for', () => {
    expect(retryDelayMs(1, 1000, 60_000, () => 0, 7000)).toBe(7000);
    expect(retryDelayMs(10, 1000, 60_000, () => 1, 7000)).toBe(60_000);
  });

  it('spreads retries of simultaneous failures', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(3, 1000, 60_000)));
    expect(delays.size).toBeGreaterThan(25);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThanOrEqual(4000);
    }
  });
});
