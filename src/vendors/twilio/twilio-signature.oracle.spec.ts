import twilio from 'twilio';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import { encodeTwilioForm, signedTwilioRequest } from './fixtures';
import {
  computeTwilioSignature,
  twilioBodyHash,
  verifyTwilioSignature,
  type TwilioSignatureCheck,
} from './twilio-signature';
import { seededRandom } from '../kit/fixtures/seeded-random';

/**
 * The official `twilio` package as an independent oracle: on many generated requests its
 * signer and validators must agree with ours. The generator is seeded so a failure reproduces.
 */

const random = seededRandom(0x7a11).next;
const int = (max: number): number => Math.floor(random() * max);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];

const NAMES = [
  'Body',
  'From',
  'To',
  'MessageSid',
  'MediaUrl0',
  'a',
  'A',
  'b',
  'Z',
  '_',
  'Digits',
  'DigitsX',
  'Sid',
  'SidAccount',
  'naïve',
  'ключ',
  '名前',
  'emoji😀',
  'with space',
  'a&b',
  'x=y',
  '10',
  '9',
  '__proto__',
  'constructor',
];
const VALUE_PIECES = [
  '',
  'hello',
  ' ',
  '+',
  '+14158675309',
  '&',
  '=',
  '%',
  '%20',
  '?',
  '#',
  '\n',
  'é',
  'e\u0301',
  'Olá',
  '日本語',
  '😀',
  '𝔘𝔫𝔦',
  '\u200b',
  "'",
  '"',
  '<Response/>',
  '1234',
  '5678',
];

function randomValue(): string {
  let value = '';
  for (let i = int(4); i > 0; i--) value += pick(VALUE_PIECES);
  return value;
}

function randomParams(): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = int(9); i > 0; i--) {
    const name = pick(NAMES);
    pairs.push([name, randomValue()]);
    // Repeated names, sometimes with the very same value (which Twilio signs once).
    if (random() < 0.25) pairs.push([name, random() < 0.5 ? randomValue() : pairs.at(-1)![1]]);
  }
  return pairs;
}

function randomUrl(): string {
  const scheme = pick(['https', 'http']);
  const host = pick(['gateway.example.com', 'mycompany.com', 'h.example', '127.0.0.1', '[::1]']);
  const port = pick(['', '', ':443', ':80', ':8443', ':3000']);
  const path = pick(['/', '/vendors/twilio/webhook', '/myapp.php', '/a/b%20c', '/ü']);
  const query = pick(['', '', '?foo=1&bar=2', '?a=%2B1&b=x+y', '?tenant=acme', '?q=caf%C3%A9']);
  return `${scheme}://${host}${port}${path}${query}`;
}

function randomToken(): string {
  return pick([
    () => [...Array(32)].map(() => int(16).toString(16)).join(''),
    () => 'tøken-' + randomValue(),
    () => '12345',
  ])();
}

/** The SDK's parameter shape: a record, repeated names as arrays. */
function asRecord(pairs: readonly (readonly [string, string])[]): Record<string, string[]> {
  const record: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const [name, value] of pairs) {
    record[name] = Object.hasOwn(record, name) ? [...record[name], value] : [value];
  }
  return { ...record };
}

/** Same scheme/host/path, port flipped the way a proxy would: default added, or any removed. */
function portFlipped(url: string): string {
  const match = /^(https?:\/\/)(\[[^\]]*\]|[^/:]*)(:\d+)?(.*)$/.exec(url)!;
  const [, scheme, host, port, rest] = match;
  if (port) return scheme + host + rest;
  return scheme + host + (scheme === 'https://' ? ':443' : ':80') + rest;
}

function accepts(check: TwilioSignatureCheck): boolean {
  try {
    verifyTwilioSignature(check);
    return true;
  } catch (error) {
    if (error instanceof SignatureRejectedError) return false;
    throw error;
  }
}

const CASES = 400;

describe('twilio package as oracle: form bodies', () => {
  const cases = Array.from({ length: CASES }, () => ({
    token: randomToken(),
    url: randomUrl(),
    params: randomParams(),
  }));

  it('computes the same signature as getExpectedTwilioSignature', () => {
    for (const { token, url, params } of cases) {
      expect(computeTwilioSignature(token, url, params)).toBe(
        twilio.getExpectedTwilioSignature(token, url, asRecord(params)),
      );
    }
  });

  it('produces signatures that validateRequest accepts, and accepts what the SDK signs', () => {
    for (const { token, url, params } of cases) {
      const ours = computeTwilioSignature(token, url, params);
      expect(twilio.validateRequest(token, ours, url, asRecord(params))).toBe(true);

      const theirs = twilio.getExpectedTwilioSignature(token, url, asRecord(params));
      const rawBody = Buffer.from(encodeTwilioForm(params));
      const check = {
        authToken: token,
        url,
        signatureHeader: theirs,
        contentType: 'application/x-www-form-urlencoded',
        rawBody,
      };
      expect(accepts(check)).toBe(true);
    }
  });

  it('agrees with validateRequest when a proxy adds or drops the port', () => {
    for (const { token, url, params } of cases) {
      const signedUrl = portFlipped(url);
      const signature = twilio.getExpectedTwilioSignature(token, signedUrl, asRecord(params));
      const rawBody = Buffer.from(encodeTwilioForm(params));
      const check = {
        authToken: token,
        url,
        signatureHeader: signature,
        contentType: 'application/x-www-form-urlencoded',
        rawBody,
      };
      expect(twilio.validateRequest(token, signature, url, asRecord(params))).toBe(true);
      expect(accepts(check)).toBe(true);
    }
  });

  it('agrees with validateRequest that tampered requests fail', () => {
    for (const { token, url, params } of cases) {
      const signature = computeTwilioSignature(token, url, params);
      const tampered: [string, string][] =
        params.length === 0 || random() < 0.3
          ? [...params, ['Injected', 'x']]
          : params.map(([name, value], i) => [name, i === 0 ? `${value}\u2603` : value]);
      const variants: [string, [string, string][], string][] = [
        [url, tampered, token],
        [`${url}${url.includes('?') ? '&' : '?'}extra=1`, params, token],
        [url, params, `${token}x`],
      ];
      for (const [candidateUrl, candidateParams, candidateToken] of variants) {
        const record = asRecord(candidateParams);
        expect(twilio.validateRequest(candidateToken, signature, candidateUrl, record)).toBe(false);
        expect(
          accepts({
            authToken: candidateToken,
            url: candidateUrl,
            signatureHeader: signature,
            contentType: 'application/x-www-form-urlencoded',
            rawBody: Buffer.from(encodeTwilioForm(candidateParams)),
          }),
        ).toBe(false);
      }
    }
  });
});

describe('twilio package as oracle: JSON bodies', () => {
  function randomJson(): string {
    const object: Record<string, unknown> = {};
    for (let i = int(6); i >= 0; i--) {
      object[pick(NAMES)] = pick<unknown>([randomValue(), int(1000), true, null, [randomValue()]]);
    }
    return JSON.stringify(object, null, pick([0, 2]));
  }

  const cases = Array.from({ length: CASES }, () => ({
    token: randomToken(),
    url: randomUrl(),
    body: randomJson(),
  }));

  it('matches getExpectedBodyHash and validateRequestWithBody', () => {
    for (const { token, url, body } of cases) {
      const hash = twilioBodyHash(Buffer.from(body));
      expect(hash).toBe(twilio.getExpectedBodyHash(body));
      const signedUrl = `${url}${url.includes('?') ? '&' : '?'}bodySHA256=${hash}`;
      const signature = computeTwilioSignature(token, signedUrl);
      expect(signature).toBe(twilio.getExpectedTwilioSignature(token, signedUrl, {}));
      expect(twilio.validateRequestWithBody(token, signature, signedUrl, body)).toBe(true);
      const check = {
        authToken: token,
        url: signedUrl,
        signatureHeader: signature,
        contentType: 'application/json',
        rawBody: Buffer.from(body),
      };
      expect(accepts(check)).toBe(true);

      const tamperedBody = `${body} `;
      expect(twilio.validateRequestWithBody(token, signature, signedUrl, tamperedBody)).toBe(false);
      expect(accepts({ ...check, rawBody: Buffer.from(tamperedBody) })).toBe(false);
    }
  });
});

describe('signedTwilioRequest fixtures pass the official validators', () => {
  it('signs form requests the SDK accepts', () => {
    for (let i = 0; i < 50; i++) {
      const params = randomParams();
      const url = randomUrl();
      const signed = signedTwilioRequest({ authToken: 'fixture-token', url, params });
      const decoded = [...new URLSearchParams(signed.body.toString())];
      expect(decoded).toEqual(params);
      expect(
        twilio.validateRequest('fixture-token', signed.signature, signed.url, asRecord(decoded)),
      ).toBe(true);
      expect(signed.headers['x-twilio-signature']).toBe(signed.signature);
      expect(signed.request.headers['x-twilio-signature']).toBe(signed.signature);
    }
  });

  it('signs JSON requests the SDK accepts', () => {
    const signed = signedTwilioRequest({
      authToken: '12345',
      url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
      json: '{"property": "value", "boolean": true}',
    });
    expect(signed.url).toBe(
      'https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620',
    );
    expect(signed.signature).toBe('a9nBmqA0ju/hNViExpshrM61xv4=');
    expect(
      twilio.validateRequestWithBody('12345', signed.signature, signed.url, signed.body.toString()),
    ).toBe(true);
  });
});
