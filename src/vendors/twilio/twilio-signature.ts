import {
  createHash,
  createHmac,
  createSecretKey,
  type KeyObject,
  timingSafeEqual,
} from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { MalformedPayloadError, SignatureRejectedError } from '../../common/problem/gateway-error';
import { decodeFormOnce } from '../kit/form-body';

/**
 * POST parameters as Twilio signs them: either ordered pairs (what a form body decodes to, with
 * repeated names kept) or a record whose repeated names hold arrays (the `twilio` SDK's shape).
 */
export type TwilioParams =
  readonly (readonly [string, string])[] | Readonly<Record<string, string | readonly string[]>>;

/** Twilio's signature is base64 of a 20-byte HMAC-SHA1: always 27 characters plus one '='. */
const SIGNATURE_SHAPE = /^[A-Za-z0-9+/]{27}=$/;
const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'https://': ':443', 'http://': ':80' };

/** Plain code-unit order, the same order as the SDK's argument-less `Array.prototype.sort`. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupByName(params: TwilioParams): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  const add = (name: string, value: string): void => {
    const values = grouped.get(name);
    if (values) values.push(value);
    else grouped.set(name, [value]);
  };
  if (Array.isArray(params)) {
    for (const [name, value] of params as readonly (readonly [string, string])[]) add(name, value);
  } else {
    const record = params as Readonly<Record<string, string | readonly string[]>>;
    for (const name of Object.keys(record)) {
      const value = record[name];
      if (typeof value === 'string') add(name, value);
      else for (const item of value) add(name, item);
    }
  }
  return grouped;
}

/**
 * Base64 HMAC-SHA1 over the URL followed by name+value of every parameter, names sorted, and a
 * repeated name's values de-duplicated and sorted. The de-duplication is not in Twilio's prose
 * docs but both the Node and Python SDKs do it (`new Set(values)` / `set(values)`), so a body
 * such as `a=1&a=1` signs as `a1` once.
 */
export function computeTwilioSignature(
  authToken: string,
  url: string,
  params: TwilioParams = [],
): string {
  return hmacSha1Base64(authToken, url + twilioParamString(params));
}

/** The parameter part of the signed string; built once when several URL forms are tried. */
export function twilioParamString(params: TwilioParams): string {
  const grouped = groupByName(params);
  let data = '';
  for (const name of [...grouped.keys()].sort(byCodeUnit)) {
    const values = grouped.get(name)!;
    if (values.length === 1) data += name + values[0];
    else for (const value of [...new Set(values)].sort(byCodeUnit)) data += name + value;
  }
  return data;
}

/**
 * HMAC keys made from the auth tokens seen so far. Turning the token string into a key costs
 * about as much as the HMAC of a webhook; an account has one token, two during a rotation.
 */
const hmacKeys = new LRUCache<string, KeyObject>({ max: 16 });

function hmacKey(authToken: string): KeyObject {
  let key = hmacKeys.get(authToken);
  if (key === undefined) {
    key = createSecretKey(Buffer.from(authToken, 'utf8'));
    hmacKeys.set(authToken, key);
  }
  return key;
}

function hmacSha1Base64(authToken: string, data: string): string {
  return createHmac('sha1', hmacKey(authToken)).update(data, 'utf8').digest('base64');
}

/** Hex SHA-256 of the exact body bytes, the value Twilio puts in `bodySHA256` for JSON bodies. */
export function twilioBodyHash(rawBody: Buffer | string): string {
  return createHash('sha256').update(rawBody).digest('hex');
}

/**
 * The URL as given, plus: without a port, the same URL with the scheme's default port added;
 * with a port, the same URL without it. Proxies add or drop `:443`/`:80` (or expose an internal
 * port) while Twilio signs whatever is configured in its console, so each form must be tried.
 * Any port is dropped, not only the default one, as Twilio's official validators do (the
 * twilio-python suite checks that `:1234` is removed). Only the scheme, host and port can vary,
 * and an HMAC over them still needs the token, so this widens nothing an attacker controls.
 * Split by hand, not with `new URL()`, which would re-encode path and query characters and so
 * change the signed string.
 */
export function twilioUrlCandidates(url: string): string[] {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!match) return [url];
  const [prefix, scheme, authority] = match;
  const defaultPort = DEFAULT_PORTS[scheme.toLowerCase()];
  if (defaultPort === undefined) return [url];
  const userInfoEnd = authority.lastIndexOf('@');
  const userInfo = authority.slice(0, userInfoEnd + 1);
  const hostAndPort = authority.slice(userInfoEnd + 1);
  // Inside an IPv6 literal colons are part of the host; the port can only follow the ']'.
  const portStart = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1);
  const host = portStart === -1 ? hostAndPort : hostAndPort.slice(0, portStart);
  const port = portStart === -1 ? '' : hostAndPort.slice(portStart);
  const rest = url.slice(prefix.length);
  return port === ''
    ? [url, scheme + userInfo + host + defaultPort + rest]
    : [url, scheme + userInfo + host + rest];
}

/** Constant-time string equality; a length difference is not secret (both sides are fixed-size). */
function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function singleSignatureHeader(header: string | readonly string[] | undefined): string {
  if (header === undefined) throw new SignatureRejectedError('X-Twilio-Signature header missing');
  if (typeof header !== 'string') {
    throw new SignatureRejectedError('X-Twilio-Signature header duplicated');
  }
  // Node joins repeated unknown headers with ', '; base64 never contains a comma.
  if (header.includes(',')) {
    throw new SignatureRejectedError('X-Twilio-Signature header duplicated');
  }
  if (header.trim() === '') throw new SignatureRejectedError('X-Twilio-Signature header empty');
  if (!SIGNATURE_SHAPE.test(header)) {
    throw new SignatureRejectedError('X-Twilio-Signature header is not a base64 HMAC-SHA1 value');
  }
  return header;
}

function queryOf(url: string): URLSearchParams {
  const withoutFragment = url.split('#', 1)[0];
  const start = withoutFragment.indexOf('?');
  return new URLSearchParams(start === -1 ? '' : withoutFragment.slice(start + 1));
}

/**
 * The body's pairs as the parser will read them (decoded once for both). A body the strict
 * decoder refuses is still checked, decoded leniently as Twilio's SDKs do: malformed encoding is
 * the parser's 400, after authentication, not a signature failure.
 */
function formParams(rawBody: Buffer): TwilioParams {
  try {
    return decodeFormOnce(rawBody);
  } catch (error) {
    if (!(error instanceof MalformedPayloadError)) throw error;
    return [...new URLSearchParams(rawBody.toString('utf8'))];
  }
}

export interface TwilioSignatureCheck {
  authToken: string;
  /** The full URL Twilio called, query included (for JSON bodies it carries `bodySHA256`). */
  url: string;
  /** Value of `x-twilio-signature` as the HTTP layer delivered it. */
  signatureHeader: string | readonly string[] | undefined;
  /** Media type only, lower-cased. */
  contentType: string;
  rawBody: Buffer;
}

/**
 * Throws `SignatureRejectedError` naming the failed check unless the request is signed with
 * `authToken`. Form bodies: the signature covers URL + body parameters. JSON bodies: it covers
 * the URL only (which carries `bodySHA256`), and the body must hash to that value.
 */
export function verifyTwilioSignature(check: TwilioSignatureCheck): void {
  if (check.authToken === '') {
    // An empty HMAC key is public knowledge: refuse rather than accept forgeable signatures.
    throw new SignatureRejectedError('no Twilio auth token configured');
  }
  const signature = singleSignatureHeader(check.signatureHeader);
  const isJson = check.contentType === 'application/json';

  let params: TwilioParams = [];
  let bodyHash: string | undefined;
  if (isJson) {
    const hashes = queryOf(check.url).getAll('bodySHA256');
    if (hashes.length === 0) {
      throw new SignatureRejectedError('bodySHA256 query parameter missing for a JSON body');
    }
    if (hashes.length > 1)
      throw new SignatureRejectedError('bodySHA256 query parameter duplicated');
    bodyHash = hashes[0];
  } else {
    params = formParams(check.rawBody);
  }

  // Each comparison is constant-time. Stopping at the first form that matches reveals only which
  // URL form the sender signed, which the sender knows and the configuration makes public.
  const paramString = twilioParamString(params);
  const matched = twilioUrlCandidates(check.url).some((candidate) =>
    safeEqual(signature, hmacSha1Base64(check.authToken, candidate + paramString)),
  );
  if (!matched) throw new SignatureRejectedError('signature mismatch');

  if (bodyHash !== undefined && !safeEqual(bodyHash, twilioBodyHash(check.rawBody))) {
    throw new SignatureRejectedError('bodySHA256 does not match the body');
  }
}
