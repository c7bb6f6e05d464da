import { isIPv4, isIPv6 } from 'node:net';

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

/** A zone id as ipaddr.js reads it; node:net would also take `-`, `.` and `:` in one. */
const ZONE_ID = /^[0-9a-z]+$/i;

const COLON = 0x3a;
const DOT = 0x2e;

/**
 * RFC 4291 text form as eight 16-bit parts; an optional `%zone` (letters and digits) is ignored.
 * node:net decides what is an address (`isIPv6`: group sizes, one `::`, a strict IPv4 tail);
 * `spread` only lays out the groups of text it accepted. ipaddr.js's parser costs about 5 µs per
 * address, the whole decision budget, so it checks configuration only.
 */
export function parseIPv6(text: string): number[] | undefined {
  const zoneAt = text.indexOf('%');
  const address = zoneAt === -1 ? text : text.slice(0, zoneAt);
  if (zoneAt !== -1 && !ZONE_ID.test(text.slice(zoneAt + 1))) return undefined;
  return isIPv6(address) ? spread(address) : undefined;
}

/** The eight parts of an address `isIPv6` accepted: its groups, zeros where `::` stands. */
function spread(address: string): number[] {
  const parts: number[] = [];
  let gapAt = -1;
  let value = 0;
  let digits = 0;
  for (let i = 0; i < address.length; i += 1) {
    const c = address.charCodeAt(i);
    if (c === DOT) {
      // The last group starts an IPv4 tail: it is read whole, as two parts.
      const v4 = parseDottedQuad(address.slice(address.lastIndexOf(':') + 1))!;
      // `::a.b.c.d` (the deprecated IPv4-compatible form) is read as IPv4-mapped, as ipaddr.js
      // reads it, so config blocks and request addresses agree on what it means.
      if (gapAt === 0 && parts.length === 0) parts.push(0xffff);
      parts.push(v4 >>> 16, v4 & 0xffff);
      digits = 0;
      break;
    }
    if (c !== COLON) {
      value = value * 16 + hexValue(c);
      digits += 1;
      continue;
    }
    if (digits > 0) parts.push(value);
    value = 0;
    digits = 0;
    if (address.charCodeAt(i + 1) === COLON) {
      gapAt = parts.length;
      i += 1;
    }
  }
  if (digits > 0) parts.push(value);
  if (gapAt !== -1) parts.splice(gapAt, 0, ...new Array<number>(8 - parts.length).fill(0));
  return parts;
}

function hexValue(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10;
}

/** Strict `a.b.c.d` (each 0-255, no leading zeros, as `net.isIPv4`) as an unsigned 32-bit number. */
export function parseDottedQuad(text: string): number | undefined {
  if (!isIPv4(text)) return undefined;
  let value = 0;
  let octet = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
      value = value * 256 + octet;
      octet = 0;
    } else {
      octet = octet * 10 + (c - 0x30);
    }
  }
  return value * 256 + octet;
}
