import { toE164 } from '../messages/phone-number';

/** What a person types for a phone number: digits, an optional +, and the usual separators. */
const TYPED_NUMBER = /^\+?[0-9 ().\-/]{3,40}$/;
/** An alphanumeric sender id (some vendors' status messages carry one), matched as given. */
const SENDER_ID = /^(?=.*[A-Za-z])[A-Za-z0-9 ._-]{1,32}$/;

/**
 * The `sender` column's value for what an admin typed: a phone number in any usual format
 * ("+1 (415) 555-2671", "0014155552671", "tel:+14155552671", "1.415.555.2671") becomes its E.164
 * form, read as international (with its country code, since the gateway has no home country);
 * an alphanumeric sender id is kept as typed. Undefined when it is neither: the search refuses
 * it instead of finding nothing.
 */
export function senderSearchValue(typed: string): string | undefined {
  const text = typed.trim().replace(/^tel:/i, '');
  if (TYPED_NUMBER.test(text)) {
    const digits = text.replace(/[^0-9]/g, '');
    const international = text.startsWith('+')
      ? `+${digits}`
      : digits.startsWith('00')
        ? `+${digits.slice(2)}`
        : `+${digits}`;
    return toE164(international);
  }
  return SENDER_ID.test(text) ? text : undefined;
}
