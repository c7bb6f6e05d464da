import { createSecretKey } from 'node:crypto';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import { seededRandom } from '../kit/fixtures/seeded-random';
import {
  messagebirdToken,
  type MessagebirdTokenOptions,
} from './fixtures/signed-messagebird-request';
import { verifyMessagebirdJwt } from './messagebird-jwt';

/** The SDK's verifier (plain JavaScript, no types): the shape these tests use. */
interface MessagebirdJwtModule {
  verify(
    url: string,
    payload: Buffer | null,
    jwt: string,
    key: unknown,
    options: unknown,
  ): Promise<boolean>;
  VerifyOptions: new () => { jwtVerifyOptions: { currentDate?: Date } };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK ships CommonJS without types
const sdk = require('messagebird/lib/webhook-signature-jwt') as MessagebirdJwtModule;

/**
 * MessageBird's own verifier (the `messagebird` package, on `jose`) as an independent oracle:
 * on generated keys, URLs, bodies and tampered variants its verdict must equal ours.
 */
const random = seededRandom(0xb1d);
const CASES = 250;

async function theirs(
  url: string,
  body: Buffer,
  token: string,
  key: string,
  now: Date,
): Promise<boolean> {
  const options = new sdk.VerifyOptions();
  options.jwtVerifyOptions = { ...options.jwtVerifyOptions, currentDate: now };
  return sdk.verify(url, body, token, createSecretKey(Buffer.from(key, 'utf8')), options).then(
    () => true,
    () => false,
  );
}

async function ours(
  url: string,
  body: Buffer,
  token: string,
  key: string,
  now: Date,
): Promise<boolean> {
  try {
    await verifyMessagebirdJwt({ token, signingKey: key, url, rawBody: body, now });
    return true;
  } catch (error) {
    if (error instanceof SignatureRejectedError) return false;
    throw error;
  }
}

function randomUrl(): string {
  const host = random.pick(['gateway.example.com', 'hooks.example.org:8443', '127.0.0.1:3000']);
  const query = random.pick([
    '',
    '?a=1&b=2',
    '?obj%5Bx%5D=1',
    `?q=${encodeURIComponent(random.text(5))}`,
  ]);
  return `${random.pick(['https', 'http'])}://${host}/vendors/messagebird/webhook${query}`;
}

const cases = Array.from({ length: CASES }, () => {
  const body =
    random.int(4) === 0 ? '' : JSON.stringify({ id: random.text(8), body: random.text(30) });
  const at = new Date(Date.UTC(2026, 0, 1) + random.int(1e9) * 1000);
  return {
    key: random.bytes(16 + random.int(32)).toString('hex'),
    url: randomUrl(),
    body,
    at,
    algorithm: random.pick(['HS256', 'HS384', 'HS512'] as const),
  };
});

describe('messagebird package as oracle', () => {
  it('agrees on valid tokens and every tampered variant', async () => {
    let accepted = 0;
    let rejected = 0;
    for (const { key, url, body, at, algorithm } of cases) {
      const options: MessagebirdTokenOptions = { signingKey: key, url, at, algorithm };
      const token = messagebirdToken(body, options);
      const inside = new Date(at.getTime() + random.int(60) * 1000);
      const variants: [string, Buffer, string, string, Date][] = [
        [url, Buffer.from(body), token, key, inside],
        [url, Buffer.from(`${body}x`), token, key, inside],
        [`${url}#`, Buffer.from(body), token, key, inside],
        [url.replace('/webhook', '/Webhook'), Buffer.from(body), token, key, inside],
        [url, Buffer.from(body), token, `${key}0`, inside],
        [url, Buffer.from(body), token, key, new Date(at.getTime() + 70_000)],
        [url, Buffer.from(body), token, key, new Date(at.getTime() - 10_000)],
        [
          url,
          Buffer.from(body),
          messagebirdToken(body, { ...options, claims: { iss: 'messagebird' } }),
          key,
          inside,
        ],
        [
          url,
          Buffer.from(body),
          messagebirdToken(body, { ...options, claims: { jti: undefined } }),
          key,
          inside,
        ],
        [url, Buffer.from(body), messagebirdToken('', { ...options }), key, inside],
        [
          url,
          Buffer.from(body),
          token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA'),
          key,
          inside,
        ],
      ];
      for (const variant of variants) {
        const verdict = await ours(...variant);
        expect({ case: variant, verdict }).toEqual({
          case: variant,
          verdict: await theirs(...variant),
        });
        if (verdict) accepted++;
        else rejected++;
      }
    }
    // Both outcomes were exercised, not one trivially.
    expect(accepted).toBeGreaterThanOrEqual(CASES);
    expect(rejected).toBeGreaterThanOrEqual(CASES * 9);
  });
});
