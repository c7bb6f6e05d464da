import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { GatewayError, ProblemCode } from '../../common/problem/gateway-error';

/** The header a console page sends its session's CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** 403 `csrf-refused`: a cookie-authenticated change without proof it came from the console. */
export class CsrfRefusedError extends GatewayError {
  constructor(message: string) {
    super(ProblemCode.CsrfRefused, message);
  }
}

export function changesState(request: FastifyRequest): boolean {
  return !SAFE_METHODS.has(request.method.toUpperCase());
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Constant-time: hashed first, so neither length nor content leaks through timing. */
export function sameSecret(offered: string, expected: string): boolean {
  return timingSafeEqual(digest(offered), digest(expected));
}

/**
 * Refuses a request another site made the browser send: an `Origin` other than the gateway's
 * own (its Host header, or `server.publicBaseUrl` behind a proxy that rewrites Host), or
 * `Sec-Fetch-Site: cross-site`. A request without either header (curl, an old browser) passes
 * this check; the CSRF token is what stops a forged one.
 */
export function assertSameOrigin(request: FastifyRequest, publicBaseUrl?: string): void {
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site') {
    throw new CsrfRefusedError('the request was started by another site (Sec-Fetch-Site)');
  }
  const origin = request.headers.origin;
  if (origin === undefined) return;
  if (!isOwnOrigin(origin, request.headers.host, publicBaseUrl)) {
    throw new CsrfRefusedError('the request comes from another origin (Origin header)');
  }
}

function isOwnOrigin(origin: string, host: string | undefined, publicBaseUrl?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // `null` (sandboxed or privacy-sensitive contexts) and junk
  }
  if (host !== undefined && parsed.host === host.toLowerCase()) return true;
  if (publicBaseUrl !== undefined) {
    try {
      return parsed.origin === new URL(publicBaseUrl).origin;
    } catch {
      return false;
    }
  }
  return false;
}

/** Every check of a cookie-authenticated request that changes state. */
export function assertCsrf(
  request: FastifyRequest,
  expectedToken: string,
  publicBaseUrl?: string,
): void {
  if (!changesState(request)) return;
  const offered = request.headers[CSRF_HEADER];
  if (typeof offered !== 'string' || offered === '') {
    throw new CsrfRefusedError(
      `a console request that changes state needs the X-CSRF-Token header`,
    );
  }
  if (!sameSecret(offered, expectedToken)) {
    throw new CsrfRefusedError("the X-CSRF-Token header does not match the session's token");
  }
  assertSameOrigin(request, publicBaseUrl);
}
