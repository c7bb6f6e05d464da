import { randomBytes } from 'node:crypto';
import { ProblemCode } from './gateway-error';

/**
 * Reference ids in the Akamai style Oracle Utilities Cloud uses,
 * `<reason>.<instance hex>.<epoch seconds>.<request hex>` (e.g. `18.4c96df17.1644609140.2a155db`):
 * short enough to read over the phone, and enough to find the one log line that explains a
 * refusal. The seed's reason numbers are kept where they mean the same (1, 18, 25, 30, 102).
 */
export const REASONS = {
  1: 'request or upstream (B2C) call timed out',
  18: 'blocked by an inbound allow rule',
  25: 'redirect not followed (off the outbound allowlist or a loop)',
  30: 'outbound TLS handshake failed (certificate not verified)',
  102: 'outbound target did not resolve in DNS',
  201: 'malformed payload',
  202: 'bad request',
  203: 'vendor signature or credentials rejected',
  204: 'admin authentication failed',
  205: 'unknown or disabled vendor',
  206: 'no such resource',
  207: 'payload too large',
  208: 'unsupported media type',
  209: 'unprocessable payload',
  210: 'throttled (rate limit)',
  211: 'store unavailable (nothing was committed)',
  212: 'outbound target not on the allowlist',
  213: 'internal error',
  214: 'admin console request refused (CSRF token or origin)',
} as const satisfies Record<number, string>;

export type ReasonCode = keyof typeof REASONS;

export function reasonOf(code: ProblemCode): ReasonCode {
  switch (code) {
    case ProblemCode.SourceNotAllowed:
      return 18;
    case ProblemCode.UpstreamTimeout:
      return 1;
    case ProblemCode.MalformedPayload:
      return 201;
    case ProblemCode.BadRequest:
      return 202;
    case ProblemCode.SignatureRejected:
      return 203;
    case ProblemCode.AdminUnauthorized:
      return 204;
    case ProblemCode.UnknownVendor:
      return 205;
    case ProblemCode.NotFound:
      return 206;
    case ProblemCode.PayloadTooLarge:
      return 207;
    case ProblemCode.UnsupportedMediaType:
      return 208;
    case ProblemCode.UnprocessablePayload:
      return 209;
    case ProblemCode.Throttled:
      return 210;
    case ProblemCode.StoreUnavailable:
      return 211;
    case ProblemCode.OutboundRefused:
      return 212;
    case ProblemCode.Internal:
      return 213;
    case ProblemCode.CsrfRefused:
      return 214;
  }
}

/**
 * This process's id in reference and request ids: random per start, logged at start-up, so an
 * admin can tell which instance (and which run of it) refused a request.
 */
export const INSTANCE_ID = randomBytes(4).toString('hex');

export interface ReferenceParts {
  reason: number;
  instance: string;
  /** Epoch seconds. */
  at: number;
  /** The request's sequence number within the instance, hex. */
  request: string;
}

export function formatReferenceId(parts: ReferenceParts): string {
  return `${parts.reason}.${parts.instance}.${parts.at}.${parts.request}`;
}

const REFERENCE = /^(\d{1,4})\.([0-9a-f]{8})\.(\d{1,12})\.([0-9a-f]{1,16})$/;

export interface DecodedReference extends ReferenceParts {
  reasonText: string;
  time: string;
}

/** The parts of a reference id, or undefined when the text is not one. */
export function decodeReferenceId(text: string): DecodedReference | undefined {
  const match = REFERENCE.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const reason = Number(match[1]);
  const at = Number(match[3]);
  const reasonText =
    reason in REASONS ? REASONS[reason as ReasonCode] : `unknown reason code ${reason}`;
  return {
    reason,
    instance: match[2],
    at,
    request: match[4],
    reasonText,
    time: new Date(at * 1000).toISOString(),
  };
}

/**
 * Request ids are the instance id followed by a zero-padded hex counter; the reference id's
 * request part is the counter without padding.
 */
export function requestIdGenerator(): () => string {
  let counter = 0;
  return () => `${INSTANCE_ID}${(counter += 1).toString(16).padStart(8, '0')}`;
}

let events = 0;

/**
 * A reference id for a refusal that no request carries (a B2C call timing out in the worker):
 * the request part counts such events on this instance.
 */
export function eventReferenceId(reason: ReasonCode, at = new Date()): string {
  return formatReferenceId({
    reason,
    instance: INSTANCE_ID,
    at: Math.floor(at.getTime() / 1000),
    request: (events += 1).toString(16),
  });
}

export function referenceIdFor(reason: number, requestId: string, at: Date): string {
  const instance = requestId.slice(0, 8);
  const request = requestId.slice(8).replace(/^0+(?=.)/, '') || '0';
  return formatReferenceId({ reason, instance, at: Math.floor(at.getTime() / 1000), request });
}
