import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * libphonenumber-js also extracts numbers out of free text ("call +1 415 ..."); only strings that
 * are a formatted international number and nothing else are considered.
 */
const PHONE_LIKE = /^\+[0-9 ().-]{2,30}$/;

/** A normalized E.164 number: '+', country code, at most 15 digits in all. */
export const E164 = /^\+[1-9][0-9]{6,14}$/;

/** Bounded, because senders are unbounded; the gateway's own numbers (To) always hit. */
const CACHE_LIMIT = 10_000;
const cache = new Map<string, string | null>();

/**
 * The E.164 form of a phone number written with its country code, or undefined when it is not a
 * valid number. Parsing with full validation costs tens of microseconds per call, so results are
 * memoized: the numbers a gateway sees repeat (its own numbers, returning customers).
 */
export function toE164(candidate: string): string | undefined {
  const known = cache.get(candidate);
  if (known !== undefined) return known ?? undefined;
  let result: string | null = null;
  if (PHONE_LIKE.test(candidate)) {
    const parsed = parsePhoneNumberFromString(candidate);
    if (parsed?.isValid()) result = parsed.number;
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(candidate, result);
  return result ?? undefined;
}
