import { verify, type KeyObject } from 'node:crypto';

/** What a request's `authorization: Signature ...` header said, as the emulator records it. */
export interface SignatureHeader {
  version?: string;
  keyId?: string;
  algorithm?: string;
  /** The signed header list, in order, e.g. `['x-date', '(request-target)', 'host']`. */
  headers: string[];
  signature?: string;
}

export type SignatureCheck = { ok: true; keyId: string } | { ok: false; reason: string };

export interface SignedRequestParts {
  method: string;
  /** Path and query exactly as received (the signed request target). */
  url: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** OCI refuses a request whose date is more than 5 minutes away from its own clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export function parseSignatureHeader(
  authorization: string | undefined,
): SignatureHeader | undefined {
  if (!authorization?.startsWith('Signature ')) return undefined;
  const params = new Map<string, string>();
  for (const match of authorization.slice('Signature '.length).matchAll(/(\w+)="([^"]*)"/g)) {
    params.set(match[1], match[2]);
  }
  return {
    version: params.get('version'),
    keyId: params.get('keyId'),
    algorithm: params.get('algorithm'),
    headers: (params.get('headers') ?? '').split(' ').filter(Boolean),
    signature: params.get('signature'),
  };
}

/**
 * Checks an OCI request signature (version 1: draft-cavage-http-signatures-08, rsa-sha256) the
 * way the service does for a GET: `(request-target)`, `host` and `date` or `x-date` must be signed,
 * the date must be within five minutes, and the signature must verify with the key of `keyId`
 * (`<tenancy OCID>/<user OCID>/<key fingerprint>`).
 */
export function checkSignature(
  request: SignedRequestParts,
  keyFor: (keyId: string) => KeyObject | undefined,
  now: number = Date.now(),
): SignatureCheck {
  const header = parseSignatureHeader(single(request.headers.authorization));
  if (!header) return { ok: false, reason: 'missing Signature authorization header' };
  if (header.version !== '1') return { ok: false, reason: 'signature version must be "1"' };
  if (header.algorithm !== 'rsa-sha256')
    return { ok: false, reason: 'algorithm must be rsa-sha256' };
  if (!header.keyId || header.keyId.split('/').length !== 3) {
    return { ok: false, reason: 'keyId must be <tenancy>/<user>/<fingerprint>' };
  }
  const signed = new Set(header.headers);
  const dateHeader = signed.has('x-date') ? 'x-date' : signed.has('date') ? 'date' : undefined;
  for (const required of ['(request-target)', 'host']) {
    if (!signed.has(required)) return { ok: false, reason: `${required} is not signed` };
  }
  if (!dateHeader) return { ok: false, reason: 'date or x-date is not signed' };
  const date = Date.parse(single(request.headers[dateHeader]) ?? '');
  if (Number.isNaN(date) || Math.abs(now - date) > MAX_CLOCK_SKEW_MS) {
    return { ok: false, reason: `${dateHeader} is missing or more than 5 minutes off` };
  }
  const key = keyFor(header.keyId);
  if (!key) return { ok: false, reason: 'unknown keyId' };
  const lines: string[] = [];
  for (const name of header.headers) {
    if (name === '(request-target)') {
      lines.push(`(request-target): ${request.method.toLowerCase()} ${request.url}`);
      continue;
    }
    const value = single(request.headers[name]);
    if (value === undefined) return { ok: false, reason: `signed header ${name} is missing` };
    lines.push(`${name}: ${value}`);
  }
  const valid = verify(
    'sha256',
    Buffer.from(lines.join('\n')),
    key,
    Buffer.from(header.signature ?? '', 'base64'),
  );
  return valid
    ? { ok: true, keyId: header.keyId }
    : { ok: false, reason: 'signature does not verify' };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
