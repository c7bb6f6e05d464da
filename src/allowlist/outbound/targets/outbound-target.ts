import { isIP } from 'node:net';

/**
 * One entry of `allowlist.outbound.targets`, compiled. Hosts are kept in the form the WHATWG URL
 * parser yields (lower case, IDN as punycode), without a trailing dot, so a request URL parsed
 * the same way compares by plain string equality.
 */
export interface OutboundTarget {
  /** The entry as configured, for logs. */
  readonly entry: string;
  readonly scheme: 'https:' | 'http:';
  /** The host; for a wildcard entry, the base under `*.` (e.g. `example.com`). */
  readonly host: string;
  /** `*.base`: one or more whole labels to the left of the base, never the base itself. */
  readonly wildcard: boolean;
  readonly port: number;
  /** Normalized path prefix; `/` covers every path. */
  readonly pathPrefix: string;
}

export const HTTPS_PORT = 443;
const HTTP_PORT = 80;

/** Letters, digits, `-` and `_` per label, as DNS names are written (IDN already punycode). */
const DNS_NAME = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;

/**
 * Parses one configured entry. Returns the compiled target, or the problem in words (the caller
 * prefixes the entry). `allowHttp` is `allowlist.outbound.allowHttpForDevelopment`.
 */
export function parseOutboundTarget(entry: string, allowHttp: boolean): OutboundTarget | string {
  if (entry.trim() === '') return 'is empty';
  if (hasUnsafeCharacter(entry)) {
    return 'contains whitespace, a control character or a backslash';
  }
  return entry.includes('://') ? parseUrlEntry(entry, allowHttp) : parseHostEntry(entry);
}

function parseHostEntry(entry: string): OutboundTarget | string {
  const wildcard = entry.startsWith('*.');
  const name = wildcard ? entry.slice(2) : entry;
  if (name.includes('*')) return "'*' is only allowed as a leading '*.' label";
  if (/[/:@?#%[\]]/.test(name)) {
    return (
      'is neither a DNS name nor a URL (a host entry has no port, path or userinfo: https ' +
      'targets use port 443; write https://host/path/ for a URL prefix)'
    );
  }
  const host = normalizeHostname(name);
  if (typeof host !== 'string') return host.problem;
  if (isIpLiteral(host)) return ipEntryProblem(host);
  if (!DNS_NAME.test(host)) return `is not a DNS name (${host})`;
  if (wildcard && host.split('.').length < 2) {
    return "a '*.' wildcard needs a base of at least two labels (e.g. *.example.com)";
  }
  return { entry, scheme: 'https:', host, wildcard, port: HTTPS_PORT, pathPrefix: '/' };
}

function parseUrlEntry(entry: string, allowHttp: boolean): OutboundTarget | string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(entry)?.[1].toLowerCase();
  if (scheme !== 'https' && scheme !== 'http') {
    return `scheme ${scheme ?? '(none)'}: is not allowed (https only)`;
  }
  if (scheme === 'http' && !allowHttp) {
    return 'plain http needs allowlist.outbound.allowHttpForDevelopment (development only)';
  }
  const authority = /^[a-z]+:\/\/([^/?#]*)/i.exec(entry)?.[1] ?? '';
  if (authority.includes('@')) return 'must not carry userinfo';
  if (authority.includes('%')) return 'must not percent-encode the host';
  if (authority.includes('*'))
    return "wildcards are only allowed in host entries ('*.example.com')";
  if (/[?#]/.test(entry)) return 'must not carry a query or fragment (a URL prefix is a path)';
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return 'is not a valid URL';
  }
  const host = normalizeHostname(url.hostname);
  if (typeof host !== 'string') return host.problem;
  const ip = isIpLiteral(host);
  if (ip && scheme === 'https') return ipEntryProblem(host);
  if (!ip && !DNS_NAME.test(host)) return `is not a DNS name (${host})`;
  const port = url.port === '' ? (scheme === 'https' ? HTTPS_PORT : HTTP_PORT) : Number(url.port);
  if (scheme === 'https' && port !== HTTPS_PORT) {
    return `port ${port} is not allowed (https targets use port 443)`;
  }
  const pathPrefix = normalizePath(url.pathname);
  if (hasEncodedSeparator(pathPrefix)) return "the path must not hold an encoded '/' or '\\'";
  return { entry, scheme: `${scheme}:`, host, wildcard: false, port, pathPrefix };
}

function ipEntryProblem(host: string): string {
  return (
    `is an IP literal (${host}): https targets are DNS names, so the certificate is checked ` +
    'against the name (IP entries are accepted only as http:// development targets)'
  );
}

/** Whitespace, a control character or a backslash: URL parsers disagree on these. */
export function hasUnsafeCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code <= 0x20 || code === 0x7f || code === 0x5c) return true;
  }
  return false;
}

/**
 * A hostname from the WHATWG URL parser (already lower case and punycode) without its one
 * optional trailing dot (`example.com.` is `example.com`); empty labels are refused.
 */
export function normalizeHostname(parsed: string): string | { problem: string } {
  if (parsed === '') return { problem: 'has an empty host' };
  let host = parsed;
  try {
    // Entries are parsed here too; the URL parser maps case, IDN and IPv4 forms for both alike.
    host = new URL(
      `https://${parsed.startsWith('[') || !parsed.includes(':') ? parsed : `[${parsed}]`}/`,
    ).hostname;
  } catch {
    return { problem: `has an invalid host (${parsed})` };
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host === '' || host.startsWith('.') || host.endsWith('.') || host.includes('..')) {
    return { problem: 'has an empty label in its host' };
  }
  return host;
}

/**
 * After the URL parser every IPv4 spelling (decimal `2130706433`, octal `0177.0.0.1`, hex
 * `0x7f.1`, short `127.1`) is dotted decimal and every IPv6 one is bracketed.
 */
export function isIpLiteral(host: string): boolean {
  if (host.startsWith('[')) return true;
  return isIP(host) !== 0 || /^[0-9.]+$/.test(host);
}

/**
 * RFC 3986 §6.2.2 normalization the WHATWG parser leaves out: percent-encoded unreserved
 * characters decoded, other escapes upper-cased. Dot segments (also `%2e` ones) are already
 * resolved by the parser.
 */
export function normalizePath(pathname: string): string {
  return pathname.replace(/%([0-9a-fA-F]{2})/g, (escape, hex: string) => {
    const character = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(character) ? character : `%${hex.toUpperCase()}`;
  });
}

/** A server may decode `%2F` or `%5C` into a separator and then resolve `..` across it. */
export function hasEncodedSeparator(path: string): boolean {
  return /%2F|%5C/.test(path);
}

/** Segment-boundary prefix: `/a/b` covers `/a/b` and `/a/b/…`, never `/a/bc`. */
export function pathUnderPrefix(path: string, prefix: string): boolean {
  if (prefix.endsWith('/')) return path.startsWith(prefix);
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** Whether `host` (normalized) is the target's host or, for a wildcard, under its base. */
export function hostMatches(target: OutboundTarget, host: string): boolean {
  if (!target.wildcard) return host === target.host;
  return host.length > target.host.length + 1 && host.endsWith(`.${target.host}`);
}

/** Every problem with the targets, one line each, naming the entry. */
export function targetProblems(targets: readonly string[], allowHttp: boolean): string[] {
  return targets.flatMap((entry, index) => {
    const parsed = parseOutboundTarget(entry, allowHttp);
    return typeof parsed === 'string' ? [`entry ${index + 1} "${entry}" ${parsed}`] : [];
  });
}
