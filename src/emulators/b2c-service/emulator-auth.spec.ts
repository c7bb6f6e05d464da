import {
  exportJWK,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  type JWTPayload,
  type KeyLike,
} from 'jose';
import type { FastifyInstance } from 'fastify';
import { createEmulatorApp } from './emulator';

const ISSUER = 'https://identity.oraclecloud.com/';
const AUDIENCE = 'https://mysite.custhelp.com/';
const SESSION = 'session-0123456789';

let app: FastifyInstance;
let privateKey: KeyLike;
let publicKey: KeyLike;

beforeAll(async () => {
  ({ privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true }));
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
  app = createEmulatorApp({
    dbFile: ':memory:',
    username: 'staff',
    password: 'pw',
    oauth: { issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [jwk] } },
    sessionIds: [SESSION],
  });
});
afterAll(() => app.close());

const sign = (claims: JWTPayload = {}, key: KeyLike | Uint8Array = privateKey, alg = 'RS256') =>
  new SignJWT({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'client',
    exp: Math.floor(Date.now() / 1000) + 300,
    ...claims,
  })
    .setProtectedHeader({ alg, kid: 'k1' })
    .sign(key);

async function status(authorization: string | undefined): Promise<number> {
  const reply = await app.inject({
    method: 'GET',
    url: '/services/rest/connect/v1.4/contacts',
    headers: {
      'osvc-crest-application-context': 'auth spec',
      ...(authorization === undefined ? {} : { authorization }),
    },
  });
  return reply.statusCode;
}

describe('emulator Authorization schemes', () => {
  it('accepts Basic, a configured Session id and a bearer token from the identity provider', async () => {
    expect(await status(`Basic ${Buffer.from('staff:pw').toString('base64')}`)).toBe(200);
    expect(await status(`Session ${SESSION}`)).toBe(200);
    expect(await status(`Bearer ${await sign()}`)).toBe(200);
  });

  it.each([
    ['an unknown session', async () => `Session ${SESSION}x`],
    ['a token from another issuer', async () => `Bearer ${await sign({ iss: 'https://evil/' })}`],
    ['a token for another audience', async () => `Bearer ${await sign({ aud: 'https://x/' })}`],
    [
      'an expired token',
      async () => `Bearer ${await sign({ exp: Math.floor(Date.now() / 1000) - 60 })}`,
    ],
    [
      'a token signed by another key',
      async () => `Bearer ${await sign({}, (await generateKeyPair('RS256')).privateKey)}`,
    ],
    [
      'HS256 made with the public key',
      async () =>
        `Bearer ${await sign({}, new TextEncoder().encode(await exportSPKI(publicKey)), 'HS256')}`,
    ],
    ['no credentials', async () => undefined],
  ])('refuses %s with 401', async (_what, authorization) => {
    expect(await status(await authorization())).toBe(401);
  });

  it('refuses Session and Bearer when the emulator was not given sessions or an identity provider', async () => {
    const plain = createEmulatorApp({ dbFile: ':memory:', username: 'staff', password: 'pw' });
    try {
      const reply = await plain.inject({
        method: 'GET',
        url: '/services/rest/connect/v1.4/contacts',
        headers: { 'osvc-crest-application-context': 'x', authorization: `Session ${SESSION}` },
      });
      expect(reply.statusCode).toBe(401);
      expect(reply.headers['www-authenticate']).toMatch(/^Basic /);
    } finally {
      await plain.close();
    }
  });
});
