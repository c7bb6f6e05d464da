import { exportSPKI, SignJWT } from 'jose';
import type { RunningEmulator } from '../src/emulators/b2c-service/emulator';
import { TWILIO_TEST_AUTH_TOKEN } from '../src/vendors/twilio/fixtures';
import { allowOutbound } from './support/allow-outbound';
import { gatewayEnv } from './support/gateway-env';
import { nextSid, postSigned, smsParams, startTestEmulator } from './support/gateway-fixture';
import { IDENTITY_ISSUER, IdentityDomain } from './support/identity-domain';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway';
import { sleep } from './support/wait-for';

const AUDIENCE = 'https://gateway.example.com/admin';
const COOLDOWN_MS = 400;
const WHOAMI = '/admin/whoami';

interface Problem {
  type: string;
  status: number;
  detail: string;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function startGateway(
  emulator: RunningEmulator,
  extra: Record<string, string>,
  origins: string[] = [],
): Promise<InProcessGateway> {
  return startInProcessGateway(
    gatewayEnv({
      emulatorUrl: emulator.url,
      twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
      extra: {
        WORKER_ENABLED: 'false',
        ...allowOutbound([emulator.url, ...origins]),
        ...extra,
      },
    }),
  );
}

async function call(gateway: InProcessGateway, authorization?: string, path = WHOAMI) {
  const response = await fetch(gateway.url + path, {
    headers: authorization === undefined ? {} : { authorization },
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    body: JSON.parse(text) as Problem & Record<string, unknown>,
  };
}

describe('admin routes, admin.mode jwt (identity domain JWKS over real sockets)', () => {
  let idp: IdentityDomain;
  let emulator: RunningEmulator;
  let gateway: InProcessGateway;

  const claims = (overrides: Record<string, unknown> = {}) => ({
    iss: IDENTITY_ISSUER,
    aud: [AUDIENCE],
    sub: 'ops@example.com',
    ...overrides,
  });
  const expectRefused = async (token: string, detail: RegExp) => {
    const answer = await call(gateway, `Bearer ${token}`);
    expect(answer.status).toBe(401);
    expect(answer.body.type).toMatch(/admin-unauthorized$/);
    expect(answer.body.detail).toMatch(detail);
    // Nothing of the token comes back: not the token, not its payload segment.
    expect(answer.text).not.toContain(token.split('.')[1] ?? token);
    return answer;
  };
  /** Lets the JWKS cooldown pass, so an unknown kid may cause a fetch again. */
  const afterCooldown = () => sleep(COOLDOWN_MS + 100);

  beforeAll(async () => {
    idp = await IdentityDomain.start();
    ({ emulator } = await startTestEmulator());
    gateway = await startGateway(
      emulator,
      {
        ADMIN_MODE: 'jwt',
        ADMIN_JWT_JWKS_URL: idp.jwksUrl,
        ADMIN_JWT_ISSUER: IDENTITY_ISSUER,
        ADMIN_JWT_AUDIENCE: AUDIENCE,
        ADMIN_JWT_CLOCK_TOLERANCE_SECONDS: '5',
        ADMIN_JWT_JWKS_REFRESH_COOLDOWN_MS: String(COOLDOWN_MS),
      },
      [idp.url],
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await emulator?.close();
    await idp?.close();
  });

  it('accepts a valid token and says whose it is', async () => {
    const answer = await call(gateway, `Bearer ${await idp.sign(claims())}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ subject: 'ops@example.com', mode: 'jwt' });
  });

  it('refuses a request without credentials', async () => {
    const answer = await call(gateway);
    expect(answer.status).toBe(401);
    expect(answer.body.detail).toMatch(/no credentials/);
  });

  it('refuses an expired token (beyond the clock tolerance)', async () => {
    await expectRefused(await idp.sign(claims(), { expiresInSeconds: -60 }), /expired/);
  });

  it('refuses a token from another issuer', async () => {
    await expectRefused(
      await idp.sign(claims({ iss: 'https://idcs-other.identity.oraclecloud.com' })),
      /another issuer/,
    );
  });

  it('refuses a token for another audience', async () => {
    await expectRefused(
      await idp.sign(claims({ aud: ['https://other.example.com'] })),
      /another audience/,
    );
  });

  it('refuses a token without exp', async () => {
    await expectRefused(await idp.sign(claims(), { withoutExp: true }), /no "exp" claim/);
  });

  it('refuses an unsigned token (alg none)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims({ exp: now + 600 }))}.`;
    await expectRefused(token, /signature algorithm is not allowed/);
  });

  it('refuses HS256 signed with the public key as the HMAC secret (algorithm confusion)', async () => {
    const publicPem = await exportSPKI(idp.currentPublicKey);
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', kid: idp.currentKid })
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(publicPem));
    await expectRefused(token, /signature algorithm is not allowed/);
  });

  it('refuses a token signed by a key the identity domain does not hold, under a known kid', async () => {
    await expectRefused(
      await idp.sign(claims(), { unpublishedKey: true, kid: idp.currentKid }),
      /signature is wrong/,
    );
  });

  it('refuses a token whose kid stays unknown after one JWKS refresh, and does not fetch again at once', async () => {
    await afterCooldown();
    const before = idp.requests.jwks;
    const token = await idp.sign(claims(), { kid: 'SIGNING_KEY_unknown' });
    await expectRefused(token, /key the identity domain does not list/);
    expect(idp.requests.jwks).toBe(before + 1);
    await expectRefused(token, /key the identity domain does not list/);
    expect(idp.requests.jwks).toBe(before + 1);
  });

  it('lets a flood of made-up kids cause at most one JWKS fetch', async () => {
    await afterCooldown();
    const before = idp.requests.jwks;
    const tokens = await Promise.all(
      Array.from({ length: 25 }, (_, i) => idp.sign(claims(), { kid: `made-up-${i}` })),
    );
    const answers = await Promise.all(tokens.map((token) => call(gateway, `Bearer ${token}`)));
    expect(answers.every((answer) => answer.status === 401)).toBe(true);
    expect(idp.requests.jwks - before).toBeLessThanOrEqual(1);
  });

  it('picks up a rotated signing key through the unknown-kid refresh', async () => {
    await afterCooldown();
    const oldToken = await idp.sign(claims());
    const newKid = await idp.rotate(true);
    const before = idp.requests.jwks;
    const answer = await call(gateway, `Bearer ${await idp.sign(claims({ sub: 'rotated' }))}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ subject: 'rotated', mode: 'jwt' });
    expect(idp.requests.jwks).toBe(before + 1);
    expect(newKid).toBe(idp.currentKid);
    // The old key is gone from the set the gateway now holds.
    await expectRefused(oldToken, /key the identity domain does not list/);
  });

  it('ignores vendor credentials on an admin route', async () => {
    let signatureHeaders: Record<string, string> = {};
    await postSigned(gateway.url, smsParams(nextSid()), {
      mutate: (request) => {
        signatureHeaders = request.headers;
        request.path = WHOAMI;
      },
    });
    const response = await fetch(gateway.url + WHOAMI, { headers: signatureHeaders });
    expect(response.status).toBe(401);
    const body = (await response.json()) as Problem;
    expect(body.type).toMatch(/admin-unauthorized$/);
    expect(body.detail).toMatch(/no credentials/);
    expect(
      signatureHeaders['x-twilio-signature'] ?? signatureHeaders['X-Twilio-Signature'],
    ).toBeTruthy();
  });

  it('does not let a valid admin token authenticate a vendor webhook', async () => {
    const adminToken = await idp.sign(claims());
    const response = await postSigned(gateway.url, smsParams(nextSid()), {
      mutate: (request) => {
        for (const name of Object.keys(request.headers)) {
          if (name.toLowerCase() === 'x-twilio-signature') delete request.headers[name];
        }
        request.headers.authorization = `Bearer ${adminToken}`;
      },
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as Problem).type).toMatch(/signature-rejected$/);
  });
});

describe('admin routes, admin.mode token and the development default', () => {
  const ADMIN_TOKEN = 'static-admin-token-5b0c1f9e4d';
  let emulator: RunningEmulator;
  let tokenGateway: InProcessGateway;
  let defaultGateway: InProcessGateway;

  beforeAll(async () => {
    ({ emulator } = await startTestEmulator());
    tokenGateway = await startGateway(emulator, {
      ADMIN_MODE: 'token',
      ADMIN_TOKEN: 'env:GATEWAY_TEST_ADMIN_TOKEN',
      GATEWAY_TEST_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    defaultGateway = await startGateway(emulator, {});
  });
  afterAll(async () => {
    await tokenGateway?.close();
    await defaultGateway?.close();
    await emulator?.close();
  });

  it('accepts the configured token', async () => {
    const answer = await call(tokenGateway, `Bearer ${ADMIN_TOKEN}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ subject: 'admin', mode: 'token' });
  });

  it.each([
    ['a wrong token', `Bearer ${ADMIN_TOKEN}x`, /admin token is wrong/],
    ['a prefix of the token', `Bearer ${ADMIN_TOKEN.slice(0, 10)}`, /admin token is wrong/],
    [
      'the token as Basic credentials',
      `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`,
      /only Authorization: Bearer/,
    ],
    ['no token', undefined, /no credentials/],
  ])('refuses %s', async (_what, authorization, detail) => {
    const answer = await call(tokenGateway, authorization);
    expect(answer.status).toBe(401);
    expect(answer.body.detail).toMatch(detail);
    expect(answer.text).not.toContain(ADMIN_TOKEN.slice(0, 10));
  });

  it('keeps admin routes closed when admin.mode is not set outside production', async () => {
    const answer = await call(defaultGateway, `Bearer ${ADMIN_TOKEN}`);
    expect(answer.status).toBe(401);
    expect(answer.body.detail).toMatch(/disabled/);
  });
});
