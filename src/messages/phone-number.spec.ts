import { E164, toE164 } from './phone-number';

describe('toE164', () => {
  it('normalizes a formatted international number', () => {
    expect(toE164('+1 (415) 555-2671')).toBe('+14155552671');
    expect(toE164('+44 20 7946 0958')).toBe('+442079460958');
  });

  it('refuses what is not a valid number written with its country code', () => {
    for (const candidate of [
      '',
      '4155552671',
      '+1 415 555 267',
      '+999 1234567',
      'call +1 415 555 2671',
      "+1415'; DROP",
    ]) {
      expect(toE164(candidate)).toBeUndefined();
    }
  });

  it('answers the same when asked again, valid or not (memoized results)', () => {
    for (let round = 0; round < 3; round++) {
      expect(toE164('+14155552671')).toBe('+14155552671');
      expect(toE164('+1 415 555 267')).toBeUndefined();
    }
  });

  it('stays correct past the memo’s bound, for old and new numbers alike', () => {
    const numbers = Array.from({ length: 12_000 }, (_, i) => `+1415${2_000_000 + i}`);
    for (const number of numbers) expect(toE164(number)).toBe(number);
    // The first ones were evicted and are parsed again; an invalid one is still refused.
    expect(toE164(numbers[0])).toBe(numbers[0]);
    expect(toE164('+1415200000')).toBeUndefined();
    expect(numbers.every((number) => E164.test(number))).toBe(true);
  });
});
