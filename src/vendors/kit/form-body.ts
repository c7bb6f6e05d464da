import { MalformedPayloadError } from '../../common/problem/gateway-error';

/** One decoded `name=value` pair of a form body, in body order. */
export type FormPair = readonly [string, string];

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes bytes as UTF-8, refusing invalid sequences instead of replacing them with U+FFFD. */
export function decodeUtf8(raw: Buffer, what: string): string {
  try {
    return utf8.decode(raw);
  } catch {
    throw new MalformedPayloadError(`${what} is not valid UTF-8`);
  }
}

/** Only these characters change in decoding; most names and many values have neither. */
const ENCODED = /[%+]/;

function decodeComponent(component: string): string {
  if (!ENCODED.test(component)) return component;
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    throw new MalformedPayloadError('form body is not valid percent-encoded UTF-8');
  }
}

/**
 * Strict `application/x-www-form-urlencoded` decoding. It yields the same pairs as
 * `URLSearchParams` for every well-formed body, but where `URLSearchParams` silently keeps a
 * stray '%' or substitutes U+FFFD for bad UTF-8, this throws, so such bytes never reach a message.
 */
export function decodeForm(raw: Buffer): FormPair[] {
  const text = decodeUtf8(raw, 'form body');
  const pairs: FormPair[] = [];
  for (const segment of text.split('&')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    const name = eq === -1 ? segment : segment.slice(0, eq);
    const value = eq === -1 ? '' : segment.slice(eq + 1);
    pairs.push([decodeComponent(name), decodeComponent(value)]);
  }
  return pairs;
}

const decodedBodies = new WeakMap<Buffer, readonly FormPair[]>();

/**
 * `decodeForm`, remembered for the body's lifetime: a webhook's signature check and its parser
 * read the same bytes, and decoding is a good part of either. The pairs are shared: read only.
 */
export function decodeFormOnce(raw: Buffer): readonly FormPair[] {
  let pairs = decodedBodies.get(raw);
  if (pairs === undefined) {
    pairs = decodeForm(raw);
    decodedBodies.set(raw, pairs);
  }
  return pairs;
}

/** Pairs as a plain object, a repeated name holding an array of its values in body order. */
export function formPairsToRecord(pairs: readonly FormPair[]): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const [name, value] of pairs) {
    if (Object.hasOwn(record, name)) {
      const previous = record[name];
      if (Array.isArray(previous)) previous.push(value);
      else record[name] = [previous, value];
    } else if (name === '__proto__') {
      // Assignment would call the prototype setter; a field of that name stays a plain field.
      Object.defineProperty(record, name, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    } else {
      record[name] = value;
    }
  }
  return record;
}

/**
 * A form whose every name may appear once, as the vendor sends it: a repeated name is malformed
 * rather than a guess at which of two senders or ids was meant.
 */
export function decodeSingleValuedForm(raw: Buffer): Readonly<Record<string, string>> {
  const record = formPairsToRecord(decodeForm(raw));
  for (const [name, value] of Object.entries(record)) {
    if (Array.isArray(value)) {
      throw new MalformedPayloadError(`${name} appears more than once`, { field: name });
    }
  }
  return record as Readonly<Record<string, string>>;
}
