import {
  phoneNumberCondition,
  roqlDateTime,
  roqlInteger,
  roqlString,
  UnsafeQueryValueError,
} from './roql';

describe('ROQL building', () => {
  it('escapes a quote by doubling it', () => {
    expect(roqlString("O'Brien")).toBe("'O''Brien'");
    expect(roqlString("'' or 1=1 --")).toBe("''''' or 1=1 --'");
  });

  it('accepts only normalized E.164 numbers in a phone condition', () => {
    expect(phoneNumberCondition('+14155552671')).toBe("phones.number = '+14155552671'");
    for (const bad of [
      "+1415' or '1'='1",
      '14155552671',
      '+0123456789',
      '+1 415 555 2671',
      '',
      '+1234',
    ]) {
      expect(() => phoneNumberCondition(bad)).toThrow(UnsafeQueryValueError);
    }
  });

  it('accepts only non-negative safe integers as ids', () => {
    expect(roqlInteger(42)).toBe('42');
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 60]) {
      expect(() => roqlInteger(bad)).toThrow(UnsafeQueryValueError);
    }
  });

  it('writes date-times as quoted UTC ISO 8601 without milliseconds', () => {
    expect(roqlDateTime(Date.UTC(2026, 10, 23, 9, 30, 15, 123))).toBe("'2026-11-23T09:30:15Z'");
  });
});
