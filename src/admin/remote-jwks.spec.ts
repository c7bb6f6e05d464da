import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  errors,
  exportJWK,
  generateKeyPair,
  type JWK,
  jwtVerify,
  type KeyLike,
  SignJWT,
} from 'jose';
import { OutboundGuard } from '../allowlist/outbound/outbound-guard';
import { compileOutboundPolicy } from '../allowlist/outbound/targets/outbound-policy';
import { OutboundSettings } from '../allowlist/outbound/targets/outbound.settings';
import { JwksUnavailableError, RemoteJwks, type RemoteJwksOptions } from './remote-jwks';

const MAX_AGE_MS = 60_000;
const COOLDOWN_MS = 5_000;

interface Key {
  kid: string;
  privateKey: KeyLike;
  jwk: JWK;
}

async function newKey(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256' } };
}

const sign = (key: Key, kid = key.kid) =>
  new SignJWT({ sub: 'ops@example.com' })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setExpirationTime('10m')
    .sign(key.privateKey);

/** A JWKS on loopback (an http:// development target) that can rotate, fail or hang. */
class JwksStandIn {
  keys: Key[] = [];
  fetches = 0;
  answer: 'keys' | 503 | 'not json' | 'hang' = 'keys';
  url = '';
  private readonly server = createServer((_request, response) => this.handle(response));

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwk`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(response: ServerResponse): void {
    this.fetches += 1;
    if (this.answer === 'hang') return;
    if (this.answer === 503) {
      response.writeHead(503).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      this.answer === 'not json' ? '<html>' : JSON.stringify({ keys: this.keys.map((k) => k.jwk) }),
    );
  }
}

function guardFor(targets: string[]): OutboundGuard {
  const settings = Object.assign(new OutboundSettings(), {
    targets,
    allowHttpForDevelopment: true,
  });
  return new OutboundGuard(compileOutboundPolicy(settings, 'test'));
}

describe('RemoteJwks (jose remote JWK set through the guarded agent)', () => {
  let idp: JwksStandIn;
  let jwks: RemoteJwks | undefined;
  let now: number;

  const open = (
    overrides: Partial<RemoteJwksOptions> = {},
    targets = [new URL(idp.url).origin],
  ) => {
    jwks = new RemoteJwks(guardFor(targets), {
      url: idp.url,
      maxAgeMs: MAX_AGE_MS,
      refreshCooldownMs: COOLDOWN_MS,
      timeoutMs: 2_000,
      purpose: 'admin-jwks',
      ...overrides,
    });
    return jwks;
  };
  const verify = async (keys: RemoteJwks, token: string) =>
    (await jwtVerify(token, keys.keyFor, { algorithms: ['RS256'] })).payload.sub;
  const failure = async (promise: Promise<unknown>): Promise<Error> => {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected a failure');
  };

  beforeEach(async () => {
    idp = await new JwksStandIn().start();
    idp.keys = [await newKey('first')];
    now = Date.now();
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    jwks?.close();
    jwks = undefined;
    await idp.close();
  });

  it('fetches once, and again only after the max age', async () => {
    const keys = open();
    const token = await sign(idp.keys[0]);
    expect(await verify(keys, token)).toBe('ops@example.com');
    expect(await verify(keys, token)).toBe('ops@example.com');
    expect(idp.fetches).toBe(1);
    now += MAX_AGE_MS;
    expect(await verify(keys, token)).toBe('ops@example.com');
    expect(idp.fetches).toBe(2);
  });

  it('picks up a rotated key through one early fetch, then holds off for the cooldown', async () => {
    const keys = open();
    await verify(keys, await sign(idp.keys[0]));
    now += COOLDOWN_MS;
    const rotated = await newKey('second');
    idp.keys = [rotated];
    expect(await verify(keys, await sign(rotated))).toBe('ops@example.com');
    expect(idp.fetches).toBe(2);

    const unknown = await sign(rotated, 'made-up');
    const refusals = await Promise.all([1, 2, 3].map(() => failure(verify(keys, unknown))));
    for (const refusal of refusals) expect(refusal).toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect(idp.fetches).toBe(2);
    now += COOLDOWN_MS;
    expect(await failure(verify(keys, unknown))).toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect(idp.fetches).toBe(3);
  });

  it('lets concurrent unknown kids share one fetch', async () => {
    const keys = open();
    await verify(keys, await sign(idp.keys[0]));
    now += COOLDOWN_MS;
    const tokens = await Promise.all(
      Array.from({ length: 10 }, (_, i) => sign(idp.keys[0], `made-up-${i}`)),
    );
    await Promise.all(tokens.map((token) => failure(verify(keys, token))));
    expect(idp.fetches).toBe(2);
  });

  it.each([
    ['answers 503', 503, /could not be fetched: Expected 200 OK/],
    ['answers no JSON', 'not json', /could not be fetched: .*JSON/],
  ] as const)('says the key set is unavailable when the JWKS %s', async (_what, answer, cause) => {
    idp.answer = answer;
    const token = await sign(idp.keys[0]);
    const error = await failure(verify(open(), token));
    expect(error).toBeInstanceOf(JwksUnavailableError);
    expect(error.message).toMatch(cause);
    expect(error.message).not.toContain(token.split('.')[1]);
  });

  it('says the key set is unavailable when the JWKS cannot be reached', async () => {
    const url = idp.url;
    await idp.close();
    idp = await new JwksStandIn().start();
    const error = await failure(
      verify(open({ url }, [new URL(url).origin]), await sign(await newKey('k'))),
    );
    expect(error).toBeInstanceOf(JwksUnavailableError);
    expect(error.message).toMatch(/could not be fetched: .*ECONNREFUSED/);
  });

  it('gives up on a JWKS that does not answer within the timeout', async () => {
    idp.answer = 'hang';
    const error = await failure(verify(open({ timeoutMs: 200 }), await sign(idp.keys[0])));
    expect(error).toBeInstanceOf(JwksUnavailableError);
    expect(error.message).toBe('the JWKS did not answer within 200 ms');
  });

  it('refuses a JWKS host that is not on the outbound allowlist, before any request', async () => {
    const error = await failure(verify(open({}, ['http://127.0.0.2:9']), await sign(idp.keys[0])));
    expect(error).toBeInstanceOf(JwksUnavailableError);
    expect(error.message).toMatch(/is not a listed http:\/\/ development target/);
    expect(idp.fetches).toBe(0);
  });

  it('refuses at connect time a refetch once the host is off the allowlist (reloaded policy)', async () => {
    const guard = guardFor([new URL(idp.url).origin]);
    jwks = new RemoteJwks(guard, {
      url: idp.url,
      maxAgeMs: MAX_AGE_MS,
      refreshCooldownMs: 0,
      timeoutMs: 2_000,
      purpose: 'admin-jwks',
    });
    await verify(jwks, await sign(idp.keys[0]));
    guard.reload(Object.assign(new OutboundSettings(), { targets: ['idp.example.com'] }), 'test');
    // A fresh set and an unknown kid: jose fetches without asking the guard first; the agent refuses.
    const error = await failure(verify(jwks, await sign(idp.keys[0], 'made-up')));
    expect(error).toBeInstanceOf(JwksUnavailableError);
    expect(error.message).toMatch(/plain http is not allowed|not a listed http/);
    expect(idp.fetches).toBe(1);
  });

  it('keeps verifying with the previous key set when a max-age fetch fails', async () => {
    const keys = open();
    const token = await sign(idp.keys[0]);
    await verify(keys, token);
    now += MAX_AGE_MS;
    idp.answer = 503;
    expect(await verify(keys, token)).toBe('ops@example.com');
    expect(idp.fetches).toBe(2);
    // Held for another max age: the failing JWKS is not asked on every request.
    expect(await verify(keys, token)).toBe('ops@example.com');
    expect(idp.fetches).toBe(2);
    idp.answer = 'keys';
    now += MAX_AGE_MS;
    expect(await verify(keys, token)).toBe('ops@example.com');
    expect(idp.fetches).toBe(3);
  });
});
