import { createHash, timingSafeEqual } from 'node:crypto';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import type { WebhookRequest } from '../webhook-vendor';

/**
 * Constant-time equality for secrets and signatures of any length: both sides are hashed first,
 * so neither the content nor the length of the expected value leaks through timing.
 */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

/** True when `candidate` equals any of `expected`, every comparison made (no early exit). */
export function matchesAny(candidate: string | Buffer, expected: readonly (string | Buffer)[]) {
  let matched = false;
  for (const value of expected) matched = constantTimeEqual(candidate, value) || matched;
  return matched;
}

/**
 * The one value of a header the signature depends on. Missing, empty or repeated headers are
 * refused: a repeated signature header is a classic way to smuggle a second value past a check.
 */
export function requiredHeader(request: Pick<WebhookRequest, 'headers'>, name: string): string {
  const value = request.headers[name.toLowerCase()];
  if (value === undefined) throw new SignatureRejectedError(`${name} header missing`);
  if (typeof value !== 'string') throw new SignatureRejectedError(`${name} header repeated`);
  if (value.trim() === '') throw new SignatureRejectedError(`${name} header empty`);
  return value;
}

/**
 * Refuses a signed timestamp outside `toleranceMs` of the time the request arrived (both ways:
 * a clock far ahead is as suspicious as a stale one). `timestampMs` is NaN when unreadable.
 */
export function assertFresh(
  timestampMs: number,
  receivedAt: Date,
  toleranceMs: number,
  what = 'timestamp',
): void {
  if (!Number.isFinite(timestampMs)) throw new SignatureRejectedError(`${what} is not a time`);
  const skew = Math.abs(receivedAt.getTime() - timestampMs);
  if (skew > toleranceMs) {
    throw new SignatureRejectedError(
      `${what} is ${Math.round(skew / 1000)} s away from now; at most ${Math.round(toleranceMs / 1000)} s allowed`,
    );
  }
}

/** Epoch seconds as sent in a header or field ("1700000000"), as milliseconds; NaN otherwise. */
export function epochSecondsToMs(value: string): number {
  return /^\d{1,12}$/.test(value.trim()) ? Number(value.trim()) * 1000 : Number.NaN;
}

/**
 * Checks an `Authorization: Basic` header against the configured credentials in constant time.
 * Vendors that sign nothing (Bandwidth, Infobip) authenticate this way.
 */
export function assertBasicAuth(
  request: Pick<WebhookRequest, 'headers'>,
  username: string,
  passwords: readonly string[],
): void {
  const header = requiredHeader(request, 'authorization');
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header.trim());
  if (!match) throw new SignatureRejectedError('authorization header is not Basic credentials');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  const password = colon === -1 ? '' : decoded.slice(colon + 1);
  // Both checks always run, so timing does not tell which part was wrong.
  const userOk = constantTimeEqual(user, username);
  const passwordOk = matchesAny(password, passwords);
  if (!userOk || !passwordOk) throw new SignatureRejectedError('Basic credentials do not match');
}
