/**
 * The one rule for a vendor's name: its folder under src/vendors/, its `<name>.module.ts`, the
 * `:name` of `/vendors/:name/webhook`, its `vendors.<name>` settings (`VENDOR_<NAME>__<KEY>`),
 * its throttle bucket, its admin filters and what `npm run new:vendor` accepts.
 *
 * Lower-case words of letters and digits joined by single '-', starting with a letter (the
 * scaffold turns the name into TypeScript identifiers such as `TwilioVoiceVendor`, which cannot
 * start with a digit), at most 40 characters (the admin filters' bound).
 */
export const VENDOR_NAME_MAX_LENGTH = 40;

/** The rule as pattern source, anchored, the length included: for `@Matches` and `new RegExp`. */
export const VENDOR_NAME_SOURCE = `^(?=.{1,${VENDOR_NAME_MAX_LENGTH}}$)[a-z][a-z0-9]*(?:-[a-z0-9]+)*$`;

/** The rule as a RegExp; it has no `g` flag, so `test` keeps no state between calls. */
export const VENDOR_NAME = new RegExp(VENDOR_NAME_SOURCE);

/** How the rule is said in messages. */
export const VENDOR_NAME_RULE = `lower-case words of letters and digits joined by '-', starting with a letter, at most ${VENDOR_NAME_MAX_LENGTH} characters`;

/** Not a type guard on purpose: a `string` that fails it must stay a `string` for messages. */
export function isVendorName(value: unknown): boolean {
  return typeof value === 'string' && VENDOR_NAME.test(value);
}
