import { OutboundRefusedError } from '../../common/problem/gateway-error';
import type { OutboundPolicy } from './targets/outbound-policy';
import {
  HTTPS_PORT,
  hasEncodedSeparator,
  hasUnsafeCharacter,
  hostMatches,
  isIpLiteral,
  normalizeHostname,
  normalizePath,
  pathUnderPrefix,
  type OutboundTarget,
} from './targets/outbound-target';

export type OutboundDecision =
  | {
      allowed: true;
      /** The parsed URL the call must use: what was checked is what is connected to. */
      url: URL;
      /** The host to connect to: normalized, no trailing dot, IPv6 without brackets. */
      host: string;
      port: number;
      target: OutboundTarget;
    }
  | { allowed: false; error: OutboundRefusedError };

const MAX_URL_LENGTH = 8192;
const ABSOLUTE = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)/;
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/**
 * The outbound allowlist decision for one URL. Pure: no DNS, no socket. Refuses anything that
 * is not a plain `https://listed-host/…` (or a listed http:// development target) and says why.
 */
export function checkOutboundTarget(input: string | URL, policy: OutboundPolicy): OutboundDecision {
  const raw = typeof input === 'string' ? input : input.href;
  const refuse = (reason: string): OutboundDecision => ({
    allowed: false,
    error: new OutboundRefusedError(safeTarget(raw), reason),
  });

  if (raw.length > MAX_URL_LENGTH) {
    return refuse(`the URL is longer than ${MAX_URL_LENGTH} characters`);
  }
  if (hasUnsafeCharacter(raw)) {
    return refuse(
      'the URL contains whitespace, a control character or a backslash (URL parsers disagree on these)',
    );
  }
  const absolute = ABSOLUTE.exec(raw);
  const scheme = (absolute?.[1] ?? SCHEME.exec(raw)?.[1])?.toLowerCase();
  if (scheme !== 'https' && scheme !== 'http') {
    return refuse(scheme ? `scheme ${scheme}: is not allowed (https only)` : 'not an absolute URL');
  }
  if (scheme === 'http' && !policy.allowHttpForDevelopment) {
    return refuse('plain http is not allowed (https only)');
  }
  if (!absolute) return refuse(`not of the form ${scheme}://host/path`);
  const authority = absolute[2];
  // `https:///host` parses (extra slashes skipped) to `host`; other parsers see no host at all.
  if (authority === '') return refuse('the URL has an empty host');
  if (authority.includes('@')) {
    return refuse("the URL carries userinfo ('@' before the host); credentials go in headers");
  }
  if (authority.includes('%')) return refuse('the host is percent-encoded');

  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('not a valid URL');
  }
  const port = url.port === '' ? (scheme === 'https' ? HTTPS_PORT : 80) : Number(url.port);
  const hostDecision = checkHost(policy, `${scheme}:`, url.hostname, port);
  if (typeof hostDecision === 'string') return refuse(hostDecision);

  const path = normalizePath(url.pathname);
  const wholeHost = hostDecision.find((target) => target.pathPrefix === '/');
  const target =
    wholeHost ??
    (hasEncodedSeparator(path)
      ? undefined
      : hostDecision.find((candidate) => pathUnderPrefix(path, candidate.pathPrefix)));
  if (!target) {
    return refuse(
      hasEncodedSeparator(path)
        ? "the path holds an encoded '/' or '\\', which a listed URL prefix cannot vouch for"
        : `path ${path} is not under a listed URL prefix for ${url.hostname}`,
    );
  }
  const host = normalizeHostname(url.hostname) as string;
  return { allowed: true, url, host: stripBrackets(host), port, target };
}

/**
 * The part of the decision a socket can check (an Agent sees host and port, not the path):
 * the targets that cover this host and port, or why there are none.
 */
export function checkHost(
  policy: OutboundPolicy,
  scheme: 'https:' | 'http:',
  hostname: string,
  port: number,
): OutboundTarget[] | string {
  const normalized = normalizeHostname(hostname);
  if (typeof normalized !== 'string') return `the URL ${normalized.problem}`;
  const host = normalized;
  if (scheme === 'https:' && port !== HTTPS_PORT) {
    return `port ${port} is not allowed (https targets use port 443)`;
  }
  if (scheme === 'http:') {
    const listed = policy.targets.filter(
      (target) => target.scheme === 'http:' && target.host === host && target.port === port,
    );
    return listed.length > 0
      ? listed
      : `http://${host}:${port} is not a listed http:// development target (https only)`;
  }
  if (isIpLiteral(host)) {
    return `the host is an IP literal (${host}); only DNS names are listed, and an IP never matches one`;
  }
  const listed = policy.targets.filter(
    (target) => target.scheme === 'https:' && hostMatches(target, host),
  );
  return listed.length > 0 ? listed : `host ${host} is not on the outbound allowlist`;
}

/**
 * The target as it may be logged and shown: scheme, host, port and path; never userinfo,
 * query or fragment. Unparseable input is cut the same way by hand and shortened.
 */
export function safeTarget(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') {
      return `${url.protocol}//${url.host}${url.pathname}`.slice(0, 300);
    }
    const slashes = url.host !== '' || raw.slice(url.protocol.length).startsWith('//') ? '//' : '';
    return `${url.protocol}${slashes}${url.host}${url.pathname}`.slice(0, 120);
  } catch {
    let cut = raw.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^/?#]*@/, '$1').replace(/[?#].*$/s, '');
    cut = Array.from(cut, (character) =>
      hasUnsafeCharacter(character) && character !== ' ' ? '?' : character,
    ).join('');
    return cut.length > 120 ? `${cut.slice(0, 120)}…` : cut;
  }
}

function stripBrackets(host: string): string {
  return host.startsWith('[') ? host.slice(1, -1) : host;
}
