import ipaddr from 'ipaddr.js';

/** A CIDR block as the tries take it: network-order bytes (4 or 16) and a prefix length. */
export interface CidrBlock {
  readonly kind: 'cidr';
  readonly v6: boolean;
  readonly bytes: readonly number[];
  readonly prefix: number;
  /** As configured, for decisions and messages. */
  readonly text: string;
}

export interface VcnOcid {
  readonly kind: 'ocid';
  /** Lower-cased: OCIDs are compared case-insensitively. */
  readonly ocid: string;
  readonly text: string;
}

export type SourceAtom = CidrBlock | VcnOcid;

/** What a configured source string is: a block, an OCID, a group name, or an error to report. */
export type SourceEntry =
  | SourceAtom
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'invalid'; readonly problem: string };

/**
 * `ocid1.vcn.<realm>.[region][.future use].<unique id>` (Oracle's OCID syntax; the region part
 * may be empty).
 */
const VCN_OCID = /^ocid1\.vcn\.[a-z0-9]+\.[a-z0-9-]*(?:\.[a-z0-9-]*)?\.[a-z0-9]+$/i;

/**
 * Group names (sources and paths) and rule names: a letter, then letters, digits, `-`, `_`.
 * No dots or colons, so a name can never be mistaken for an address or an OCID.
 */
export const GROUP_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Reads one configured source: CIDR block, bare address (/32 or /128), VCN OCID or group name. */
export function parseSourceEntry(value: unknown): SourceEntry {
  if (typeof value !== 'string') {
    return { kind: 'invalid', problem: `${describeValue(value)} is not a string` };
  }
  if (/^ocid1\./i.test(value)) {
    return VCN_OCID.test(value)
      ? { kind: 'ocid', ocid: value.toLowerCase(), text: value }
      : {
          kind: 'invalid',
          problem: `'${value}' is not a VCN OCID (ocid1.vcn.<realm>.<region>.<unique id>)`,
        };
  }
  if (value.includes(':') || /^[0-9./]+$/.test(value)) return parseCidr(value);
  if (GROUP_NAME.test(value)) return { kind: 'name', name: value };
  return {
    kind: 'invalid',
    problem: `'${value}' is neither a CIDR block, a VCN OCID nor a source group`,
  };
}

/**
 * Strict CIDR (or bare address) parsing: IPv4 in four-part decimal without leading zeros, IPv6
 * without a zone id, a decimal prefix length in range. Host bits below the prefix are ignored.
 * An IPv4-mapped IPv6 block of /96 or longer becomes the IPv4 block it denotes.
 */
export function parseCidr(text: string): CidrBlock | { kind: 'invalid'; problem: string } {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const v6 = addressText.includes(':');
  const max = v6 ? 128 : 32;
  let prefix = max;
  if (slash !== -1) {
    const prefixText = text.slice(slash + 1);
    prefix = /^(?:0|[1-9][0-9]{0,2})$/.test(prefixText) ? Number(prefixText) : NaN;
    if (!(prefix <= max)) {
      return { kind: 'invalid', problem: `'${text}': the prefix length must be 0 to ${max}` };
    }
  }
  let bytes: number[];
  if (v6) {
    if (addressText.includes('%') || !ipaddr.IPv6.isValid(addressText)) {
      return { kind: 'invalid', problem: `'${text}' is not a valid IPv6 address or block` };
    }
    bytes = ipaddr.IPv6.parse(addressText).toByteArray();
    if (prefix >= 96 && isV4MappedPrefix(bytes)) {
      return { kind: 'cidr', v6: false, bytes: bytes.slice(12), prefix: prefix - 96, text };
    }
  } else {
    if (!ipaddr.IPv4.isValidFourPartDecimal(addressText) || /(^|\.)0\d/.test(addressText)) {
      return {
        kind: 'invalid',
        problem: `'${text}' is not a valid IPv4 address or block (use a.b.c.d/n)`,
      };
    }
    bytes = ipaddr.IPv4.parse(addressText).toByteArray();
  }
  return { kind: 'cidr', v6, bytes, prefix, text };
}

function isV4MappedPrefix(bytes: readonly number[]): boolean {
  for (let i = 0; i < 10; i += 1) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** A value in a message: strings quoted, other shapes named, never long. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 80 ? `${value.slice(0, 80)}…` : value}'`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(value);
    case 'symbol':
      return value.toString();
    case 'function':
      return 'a function';
    default:
      return 'a mapping';
  }
}
