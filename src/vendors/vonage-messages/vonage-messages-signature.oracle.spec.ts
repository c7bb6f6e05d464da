import { dirname, join } from 'node:path';
import { sign } from 'jsonwebtoken';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import { hs256Token } from './fixtures/signed-vonage-messages-request';
import { verifyHs256Jwt } from './hs256-jwt';
import { seededRandom } from '../kit/fixtures/seeded-random';

/**
 * `@vonage/jwt`'s verifySignature (jsonwebtoken underneath) as an independent oracle for the
 * token check: on seeded random claims, secrets and tamperings, both give the same verdict.
 * The oracle ignores payload_hash and iat freshness, so only the token signature is compared
 * here; those checks have their own tests.
 */
/**
 * The package index also loads an ESM-only `uuid` that jest cannot run; the module holding
 * verifySignature does not, so it is loaded by its file (the package exports only its index).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const { verifySignature } = require(
  join(dirname(require.resolve('@vonage/jwt')), 'verifySignature.js'),
) as Pick<typeof import('@vonage/jwt'), 'verifySignature'>;

const random = seededRandom(0x70a6e).next;
const int = (max: number) => Math.floor(random() * max);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];
const text = (length: number) =>
  Array.from({ length }, () => pick([...'abcXYZ019-_ +/=é日😀'])).join('');

function randomClaims(): Record<string, unknown> {
  return {
    iat: 1_700_000_000 + int(100_000_000),
    jti: text(1 + int(36)),
    iss: 'Vonage',
    payload_hash: Array.from({ length: 64 }, () => int(16).toString(16)).join(''),
    api_key: text(8),
    ...(random() < 0.3 ? { extra: { nested: [int(10), text(3)] } } : {}),
  };
}

async function ours(token: string, secret: string): Promise<boolean> {
  try {
    await verifyHs256Jwt(token, secret);
    return true;
  } catch (error) {
    if (error instanceof SignatureRejectedError) return false;
    throw error;
  }
}

function tamper(token: string): string {
  const [h, p, s] = token.split('.');
  switch (int(5)) {
    case 0: {
      const at = int(s.length);
      return `${h}.${p}.${s.slice(0, at)}${s[at] === 'A' ? 'B' : 'A'}${s.slice(at + 1)}`;
    }
    case 1:
      return `${h}.${Buffer.from(JSON.stringify(randomClaims())).toString('base64url')}.${s}`;
    case 2:
      return `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
    case 3:
      return `${Buffer.from('{"alg":"HS512","typ":"JWT"}').toString('base64url')}.${p}.${s}`;
    default:
      return `${h}.${p}.${s.slice(0, -1)}`;
  }
}

const CASES = 300;

describe('@vonage/jwt verifySignature as oracle', () => {
  const cases = Array.from({ length: CASES }, () => ({
    secret: text(8 + int(40)),
    claims: randomClaims(),
  }));

  it('accepts every token we sign, and we accept every token jsonwebtoken signs', async () => {
    for (const { secret, claims } of cases) {
      const mine = hs256Token(claims, secret);
      expect(verifySignature(mine, secret)).toBe(true);
      expect(await ours(mine, secret)).toBe(true);
      const theirs = sign(claims, secret, { algorithm: 'HS256', noTimestamp: true });
      expect(await ours(theirs, secret)).toBe(true);
      expect(verifySignature(theirs, secret)).toBe(true);
    }
  });

  it('gives the same verdict on tampered tokens and on other secrets', async () => {
    let rejected = 0;
    for (const { secret, claims } of cases) {
      const token = sign(claims, secret, { algorithm: 'HS256', noTimestamp: true });
      for (const [candidate, key] of [
        [tamper(token), secret],
        [token, `${secret}x`],
      ] as const) {
        const verdict = verifySignature(candidate, key);
        expect({ candidate, verdict: await ours(candidate, key) }).toEqual({ candidate, verdict });
        if (!verdict) rejected++;
      }
    }
    // The comparison means something only if most tampered tokens were refused by both.
    expect(rejected).toBeGreaterThan(CASES * 1.5);
  });
});
