import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import {
  MESSAGEBIRD_TEST_SIGNING_KEY,
  MESSAGEBIRD_TEST_URL,
  messagebirdToken,
} from './fixtures/signed-messagebird-request';
import { verifyMessagebirdJwt, type MessagebirdJwtCheck } from './messagebird-jwt';

interface ReferenceCase {
  name: string;
  /** Absent in the `alg: none` case. */
  secret?: string;
  url: string;
  timestamp: string;
  token: string;
  payload?: string;
  valid: boolean;
  reason?: string;
}

/** The 44 cases MessageBird ships with its SDK (lib/testdata), read where npm installed them. */
const references = JSON.parse(
  readFileSync(
    join(
      require.resolve('messagebird/package.json'),
      '..',
      'lib',
      'testdata',
      'webhook-signature-jwt-reference.json',
    ),
    'utf8',
  ),
) as ReferenceCase[];

/** Our message for each of MessageBird's reasons. */
const REASONS: Record<string, RegExp> = {
  'invalid jwt: claim nbf is in the future': /nbf is in the future/,
  'invalid jwt: claim exp is in the past': /exp is in the past/,
  'invalid jwt: claim url_hash is invalid': /url_hash does not match/,
  'invalid jwt: claim payload_hash is invalid': /payload_hash does not match/,
  'invalid jwt: signature is invalid': /signature mismatch/,
  'invalid jwt: claim payload_hash is set but actual payload is missing':
    /payload_hash does not match/,
  'invalid jwt: claim payload_hash is not set but payload is present':
    /no payload_hash but the request has a body/,
  'invalid jwt: signing method none is invalid': /algorithm none is not accepted/,
};

async function outcome(check: MessagebirdJwtCheck): Promise<string | true> {
  try {
    await verifyMessagebirdJwt(check);
    return true;
  } catch (error) {
    if (!(error instanceof SignatureRejectedError)) throw error;
    return error.message;
  }
}

describe('MessageBird reference cases (messagebird npm package)', () => {
  it('ships 44 cases, 24 valid', async () => {
    expect(references).toHaveLength(44);
    expect(references.filter((ref) => ref.valid)).toHaveLength(24);
  });

  it.each(references.map((ref) => [ref.name, ref] as const))('%s', async (_name, ref) => {
    const result = await outcome({
      token: ref.token,
      signingKey: ref.secret ?? '',
      url: ref.url,
      rawBody: Buffer.from(ref.payload ?? '', 'utf8'),
      now: new Date(ref.timestamp),
    });
    if (ref.valid) expect(result).toBe(true);
    else expect(result).toMatch(REASONS[ref.reason!]);
  });

  it('returns the jti as replay key, remembered until the token expires', async () => {
    const ref = references[0];
    const verification = await verifyMessagebirdJwt({
      token: ref.token,
      signingKey: ref.secret ?? '',
      url: ref.url,
      rawBody: Buffer.alloc(0),
      now: new Date(ref.timestamp),
    });
    expect(verification).toEqual({
      replayKey: '59a244dc-e9ad-4e23-9778-371faa238f72',
      replayTtlMs: 65_000,
    });
  });
});

describe('verifyMessagebirdJwt', () => {
  const body = '{"id":"m1"}';
  const now = new Date('2026-11-23T09:00:10Z');
  const issued = new Date('2026-11-23T09:00:00Z');
  const check = (token: string, overrides: Partial<MessagebirdJwtCheck> = {}) =>
    outcome({
      token,
      signingKey: MESSAGEBIRD_TEST_SIGNING_KEY,
      url: MESSAGEBIRD_TEST_URL,
      rawBody: Buffer.from(body),
      now,
      ...overrides,
    });

  it.each(['HS256', 'HS384', 'HS512'] as const)('accepts %s', async (algorithm) => {
    expect(await check(messagebirdToken(body, { at: issued, algorithm }))).toBe(true);
  });

  it('checks the URL exactly: query order, port and scheme count', async () => {
    const token = messagebirdToken(body, { at: issued, url: `${MESSAGEBIRD_TEST_URL}?a=1&b=2` });
    expect(await check(token, { url: `${MESSAGEBIRD_TEST_URL}?a=1&b=2` })).toBe(true);
    for (const url of [
      `${MESSAGEBIRD_TEST_URL}?b=2&a=1`,
      MESSAGEBIRD_TEST_URL.replace('example.com', 'example.com:443') + '?a=1&b=2',
      MESSAGEBIRD_TEST_URL.replace('https', 'http') + '?a=1&b=2',
    ]) {
      expect(await check(token, { url })).toMatch(/url_hash does not match/);
    }
  });

  it.each([
    ['a wrong key', { signingKey: 'other' }, /signature mismatch/],
    ['a changed body', { rawBody: Buffer.from('{"id":"m2"}') }, /payload_hash does not match/],
    ['an empty body', { rawBody: Buffer.alloc(0) }, /payload_hash does not match/],
    [
      'a token used 6 s after it expired',
      { now: new Date(issued.getTime() + 66_000) },
      /exp is in the past/,
    ],
    [
      'a token used 6 s before nbf',
      { now: new Date(issued.getTime() - 6_000) },
      /nbf is in the future/,
    ],
  ])('rejects %s', async (_label, overrides, message) => {
    expect(await check(messagebirdToken(body, { at: issued }), overrides)).toMatch(message);
  });

  it('allows 5 s of clock skew on nbf and exp', async () => {
    const token = messagebirdToken(body, { at: issued });
    expect(await check(token, { now: new Date(issued.getTime() - 4_000) })).toBe(true);
    expect(await check(token, { now: new Date(issued.getTime() + 64_000) })).toBe(true);
  });

  it.each([
    ['another issuer', { iss: 'Bird' }, /issuer/],
    ['no jti', { jti: undefined }, /jti missing/],
    ['no url_hash', { url_hash: undefined }, /url_hash missing/],
    ['no exp', { exp: undefined }, /exp missing/],
    ['a text exp', { exp: 'soon' }, /exp is not a number/],
    [
      'an exp an hour away',
      { exp: Math.floor(issued.getTime() / 1000) + 3600 },
      /too far in the future/,
    ],
  ])('rejects a token with %s', async (_label, claims, message) => {
    expect(await check(messagebirdToken(body, { at: issued, claims }))).toMatch(message);
  });

  it('accepts upper-case hex hashes, as MessageBird’s verifier does', async () => {
    const claims = {
      payload_hash: createHash('sha256').update(body).digest('hex').toUpperCase(),
    };
    expect(await check(messagebirdToken(body, { at: issued, claims }))).toBe(true);
  });

  it.each([
    ['not a JWT', 'abc', /not a signed JWT/],
    ['an unsigned JWT', 'eyJhbGciOiJub25lIn0.e30.', /algorithm none is not accepted/],
    [
      'a JWT with an empty signature',
      `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.e30.`,
      /signature mismatch/,
    ],
    ['a header that is not JSON', 'bm90IGpzb24.e30.c2ln', /header is not JSON/],
    [
      'a header that is an array',
      `${Buffer.from('[]').toString('base64url')}.e30.c2ln`,
      /header is not a JSON object/,
    ],
  ])('rejects %s', async (_label, token, message) => {
    expect(await check(token)).toMatch(message);
  });

  it('rejects alg none and RS256 even with a valid-looking signature', async () => {
    const claims = Buffer.from('{"iss":"MessageBird"}').toString('base64url');
    for (const alg of ['none', 'RS256', 'hs256']) {
      const header = Buffer.from(JSON.stringify({ alg })).toString('base64url');
      expect(await check(`${header}.${claims}.c2ln`)).toMatch(/algorithm .* is not accepted/);
    }
  });
});
