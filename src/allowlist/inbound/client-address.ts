/**
 * A request's address, ready for the address tries. IPv4-mapped IPv6 addresses
 * (`::ffff:1.2.3.4`, what a dual-stack socket reports for an IPv4 peer) become IPv4, so they
 * match IPv4 blocks.
 */
export type ClientAddress =
  | { readonly v6: false; readonly v4: number }
  | { readonly v6: true; readonly parts: readonly number[] };

/** Anything longer is no address (the longest IPv6 form with a zone id is well under this). */
const MAX_ADDRESS_LENGTH = 64;

/**
 * Parses an address as a socket or a trusted proxy reports it: dotted-quad IPv4 (no leading
 * zeros, no shorthand) or IPv6 (a zone id is ignored). Anything else is `undefined`, never an
 * exception: the caller denies.
 */
export function parseClientAddress(text: unknown): ClientAddress | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_ADDRESS_LENGTH) {
    return undefined;
  }
  const v4 = parseDottedQuad(text);
  if (v4 !== undefined) return { v6: false, v4 };
  const parts = parseIPv6(text);
  if (parts === undefined) return undefined;
  if (isV4Mapped(parts)) return { v6: false, v4: ((parts[6] << 16) | parts[7]) >>> 0 };
  return { v6: true, parts };
}

function isV4Mapped(parts: readonly number[]): boolean {
  return (
    parts[0] === 0 &&
    parts[1] === 0 &&
    parts[2] === 0 &&
    parts[3] === 0 &&
    parts[4] === 0 &&
    parts[5] === 0xffff
  );
}

const COLON = 0x3a;

/**
 * RFC 4291 text form as eight 16-bit parts: groups of one to four hex digits, at most one `::`,
 * an optional dotted-quad IPv4 tail, an optional `%zone` (letters and digits; ignored). A hand-written scanner:
 * ipaddr.js's regular expressions cost about 5 µs per address, the whole decision budget.
 */
export function parseIPv6(text: string): number[] | undefined {
  let end = text.indexOf('%');
  if (end === -1) end = text.length;
  else if (end === 0 || !/^[0-9a-z]+$/i.test(text.slice(end + 1))) return undefined;
  const head: number[] = [];
  const tail: number[] = [];
  let current = head;
  let compressed = false;
  let i = 0;
  if (text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return undefined;
    compressed = true;
    current = tail;
    i = 2;
  }
  while (i < end) {
    let value = 0;
    let j = i;
    for (; j < end && j - i <= 4; j += 1) {
      const digit = hexValue(text.charCodeAt(j));
      if (digit < 0) break;
      value = value * 16 + digit;
    }
    if (j < end && text.charCodeAt(j) === 0x2e) {
      const v4 = parseDottedQuad(text.slice(i, end));
      if (v4 === undefined) return undefined;
      // `::a.b.c.d` (the deprecated IPv4-compatible form) is read as IPv4-mapped, as ipaddr.js
      // reads it, so config blocks and request addresses agree on what it means.
      if (i === 2 && compressed) tail.push(0xffff);
      current.push(v4 >>> 16, v4 & 0xffff);
      i = end;
      break;
    }
    const digits = j - i;
    if (digits === 0 || digits > 4) return undefined;
    current.push(value);
    if (j === end) {
      i = end;
      break;
    }
    if (text.charCodeAt(j) !== COLON) return undefined;
    if (text.charCodeAt(j + 1) === COLON) {
      if (compressed) return undefined;
      compressed = true;
      current = tail;
      i = j + 2;
    } else {
      i = j + 1;
      if (i === end) return undefined; // a single trailing colon
    }
  }
  const total = head.length + tail.length;
  if (compressed ? total > 7 : total !== 8) return undefined;
  const parts = head;
  for (let k = total; k < 8; k += 1) parts.push(0);
  for (let k = 0; k < tail.length; k += 1) parts[8 - tail.length + k] = tail[k];
  return parts;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** Strict `a.b.c.d` (each 0-255, no leading zeros) as an unsigned 32-bit number. */
export function parseDottedQuad(text: string): number | undefined {
  const length = text.length;
  if (length < 7 || length > 15) return undefined;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i <= length; i += 1) {
    const c = i === length ? 0x2e : text.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots += 1;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && octet === 0) return undefined; // leading zero
      octet = octet * 10 + (c - 0x30);
      digits += 1;
      if (octet > 255) return undefined;
    } else {
      return undefined;
    }
  }
  return dots === 4 ? value : undefined;
}
