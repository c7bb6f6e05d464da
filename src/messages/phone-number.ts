import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { LRUCache } from 'lru-cache';

/**
 * libphonenumber-js also extracts numbers out of free text ("call +1 415 ..."); only strings that
 * are a formatted international number and nothing else are considered.
 */
const PHONE_LIKE = /^\+[0-9 ().-]{2,30}$/;

/** A normalized E.164 number: '+', country code, at most 15 digits in all. */
export const E164 = /^\+[1-9][0-9]{6,14}$/;

/**
 * Bounded, because senders are unbounded; the gateway's own numbers (To) always hit. An LRU, not
 * a Map evicting its oldest key, which costs more than the parse it saves (docs/benchmarks.md,
 * (a) Method).
 */
const cache = new LRUCache<string, string>({ max: 10_000 });
/** The cache's value for "not a valid number" (it stores no undefined or null). */
const INVALID = '';

/**
 * The E.164 form of a phone number written with its country code, or undefined when it is not a
 * valid number. Parsing with full validation costs several microseconds per call, so results are
 * memoized: the numbers a gateway sees repeat (its own numbers, returning customers).
 */
export function toE164(candidate: string): string | undefined {
  let result = cache.get(candidate);
  if (result === undefined) {
    result = INVALID;
    if (PHONE_LIKE.test(candidate)) {
      const parsed = parsePhoneNumberFromString(candidate);
      if (parsed?.isValid()) result = parsed.number;
    }
    cache.set(candidate, result);
  }
  return result === INVALID ? undefined : result;
}
