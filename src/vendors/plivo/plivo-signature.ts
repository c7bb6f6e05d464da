import { createHmac } from 'node:crypto';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import { constantTimeEqual, requiredHeader } from '../kit/verification';
import type { Verification, WebhookRequest } from '../webhook-vendor';
import {
  PLIVO_NONCE_TTL_MS,
  PLIVO_V2_NONCE_HEADER,
  PLIVO_V2_SIGNATURE_HEADER,
  PLIVO_V3_NONCE_HEADER,
  PLIVO_V3_SIGNATURE_HEADER,
  type PlivoSignatureVersion,
} from './plivo.constants';

const NONCE_SHAPE = /^[\x21-\x7e]{1,128}$/;

/** Decoded name/value pairs, repeated names kept. */
export type PlivoParams = readonly (readonly [string, string])[];

/** Plain code-unit order, as the SDK's argument-less sort. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Names sorted, each name's values sorted, as `[name, value]` pairs. */
function sortedPairs(params: PlivoParams): [string, string][] {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of params) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  return [...grouped.keys()].sort(byCodeUnit).flatMap((name) =>
    grouped
      .get(name)!
      .sort(byCodeUnit)
      .map((v): [string, string] => [name, v]),
  );
}

/** The URL up to its path: scheme, host, port as given, path; no query, no fragment. */
export function plivoBaseUrl(url: string): string {
  return url.split('#', 1)[0].split('?', 1)[0];
}

function queryPairs(url: string): PlivoParams {
  const withoutFragment = url.split('#', 1)[0];
  const at = withoutFragment.indexOf('?');
  return at === -1 ? [] : [...new URLSearchParams(withoutFragment.slice(at + 1))];
}

/**
 * The string V3 signs before `.<nonce>`, as Plivo's SDKs build it: base URL; then `?` and the
 * query's decoded `k=v` pairs sorted and joined by `&`; for a POST with parameters, a `.` after a
 * non-empty query and the body's pairs sorted and concatenated as `kv`.
 */
export function plivoV3SignedUrl(url: string, postParams: PlivoParams): string {
  const query = sortedPairs(queryPairs(url))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const base = plivoBaseUrl(url);
  if (postParams.length === 0) return query === '' ? base : `${base}?${query}`;
  const body = sortedPairs(postParams)
    .map(([name, value]) => name + value)
    .join('');
  return `${base}?${query}${query === '' ? '' : '.'}${body}`;
}

export function computePlivoV3Signature(
  authToken: string,
  url: string,
  postParams: PlivoParams,
  nonce: string,
): string {
  return createHmac('sha256', authToken)
    .update(`${plivoV3SignedUrl(url, postParams)}.${nonce}`, 'utf8')
    .digest('base64');
}

/** V2: base64 HMAC-SHA256 over the URL without its query, then the nonce. */
export function computePlivoV2Signature(authToken: string, url: string, nonce: string): string {
  return createHmac('sha256', authToken)
    .update(plivoBaseUrl(url) + nonce, 'utf8')
    .digest('base64');
}

/** True when any of the comma-separated signatures matches; every one is compared. */
function anyMatches(header: string, expected: string): boolean {
  let matched = false;
  for (const candidate of header.split(',')) {
    matched = constantTimeEqual(candidate.trim(), expected) || matched;
  }
  return matched;
}

export interface PlivoSignatureCheck {
  authToken: string;
  version: PlivoSignatureVersion;
}

/**
 * Checks the configured signature version. The header may list several signatures (Plivo signs
 * with each valid token while one is being rotated); any may match. The nonce is the replay key.
 */
export function verifyPlivoSignature(
  request: Pick<WebhookRequest, 'headers' | 'method' | 'publicUrl' | 'rawBody' | 'contentType'>,
  check: PlivoSignatureCheck,
): Verification {
  const v3 = check.version === 'v3';
  const signatures = requiredHeader(
    request,
    v3 ? PLIVO_V3_SIGNATURE_HEADER : PLIVO_V2_SIGNATURE_HEADER,
  );
  const nonce = requiredHeader(request, v3 ? PLIVO_V3_NONCE_HEADER : PLIVO_V2_NONCE_HEADER);
  // Plivo's nonces are digit strings; bounded because the nonce becomes a stored replay key.
  if (!NONCE_SHAPE.test(nonce)) throw new SignatureRejectedError('nonce is not a short token');
  const expected = v3
    ? computePlivoV3Signature(
        check.authToken,
        request.publicUrl,
        // Lenient decoding here: a malformed body is the parser's 400, after authentication.
        request.method === 'GET' ? [] : [...new URLSearchParams(request.rawBody.toString('utf8'))],
        nonce,
      )
    : computePlivoV2Signature(check.authToken, request.publicUrl, nonce);
  if (!anyMatches(signatures, expected)) throw new SignatureRejectedError('signature mismatch');
  return { replayKey: `${check.version}:${nonce}`, replayTtlMs: PLIVO_NONCE_TTL_MS };
}
