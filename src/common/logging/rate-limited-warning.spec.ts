import { RateLimitedWarning } from './rate-limited-warning';

describe('RateLimitedWarning', () => {
  it('reports once per interval, then says how many it left out', () => {
    const clock = { now: 1_000 };
    const lines: string[] = [];
    const warning = new RateLimitedWarning(
      { warn: (line) => lines.push(line) },
      60_000,
      () => clock.now,
    );
    for (let i = 0; i < 5; i += 1) warning.warn(`failure ${i}`);
    expect(lines).toEqual(['failure 0']);
    clock.now += 59_999;
    warning.warn('failure 5');
    expect(lines).toHaveLength(1);
    clock.now += 1;
    warning.warn('failure 6');
    expect(lines).toEqual(['failure 0', 'failure 6 (5 more since the last report)']);
  });
});
