import { E164 } from '../messages/phone-number';

/**
 * ROQL building blocks. Queries are only ever built from values that passed these checks: a
 * string literal escapes `'` by doubling it (Connect ROQL's rule), and a phone number must
 * already be normalized E.164, so no free text from a webhook reaches a query.
 */

export class UnsafeQueryValueError extends Error {}

export function roqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function phoneNumberCondition(e164: string): string {
  if (!E164.test(e164)) throw new UnsafeQueryValueError('not a normalized E.164 phone number');
  return `phones.number = ${roqlString(e164)}`;
}

export function roqlInteger(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new UnsafeQueryValueError('not a non-negative integer');
  }
  return String(value);
}

/** ROQL compares date-times given as ISO 8601 strings in UTC. */
export function roqlDateTime(epochMs: number): string {
  return roqlString(new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z'));
}
