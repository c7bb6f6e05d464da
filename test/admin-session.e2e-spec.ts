import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EncryptJWT } from 'jose';
import { deriveKey } from '../src/admin/session/session-keys';
import { createApp } from '../src/app.factory';
import { INBOX_STORE, type InboxStore } from '../src/inbox/inbox-store.port';
import { TWILIO_TEST_AUTH_TOKEN } from '../src/vendors/twilio/fixtures';
import { cookieAttributes, CookieJar } from './support/admin-console-client';
import { allowOutbound } from './support/allow-outbound';
import { freePort } from './support/free-port';
import { gatewayEnv } from './support/gateway-env';
import { runGatewayUntilExit } from './support/gateway-process';
import type { InProcessGateway } from './support/in-process-gateway';
import { prepareStorage } from './support/test-storage';
import { waitFor } from './support/wait-for';
import { AUTHORIZE_PATH, OidcProvider } from './support/oidc-provider';
import {
  INCIDENT_REFUSED,
  nextSid,
  postSigned,
  settledAs,
  smsParams,
  startGatewayWithEmulator,
  startTestEmulator,
  type GatewayWithEmulator,
} from './support/gateway-fixture';

const ADMIN_TOKEN = 'console-admin-token-8d41c2e07b';
const TTL_SECONDS = 600;
const PROBLEM = 'urn:b2c-webhook-gateway:problem:';
const FORM = 'application/x-www-form-urlencoded';

interface SessionAnswer {
  subject: string;
  mode?: string;
  expiresAt: string;
  csrfToken: string;
}

/** A session cookie as the gateway seals it, for forging expired or foreign ones. */
async function sealSession(
  secret: string,
  claims: Record<string, unknown>,
  expiresAtSeconds: number,
): Promise<string> {
  return new EncryptJWT(claims)
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuer('b2c-webhook-gateway')
    .setAudience('gw-admin-session')
    .setIssuedAt(expiresAtSeconds - TTL_SECONDS)
    .setExpirationTime(expiresAtSeconds)
    .encrypt(deriveKey(secret, 'session'));
}

/**
 * Signing in to the admin console with the admin token: a real gateway (SQLite, or PostgreSQL
 * with TEST_STORAGE_DRIVER=postgres) and real HTTP, cookies handled by hand as a browser would.
 */
describe('admin console sessions, admin.mode token', () => {
  let gw: GatewayWithEmulator;
  let origin: string;
  const dead = nextSid();

  beforeAll(async () => {
    gw = await startGatewayWithEmulator({
      ADMIN_MODE: 'token',
      ADMIN_TOKEN: 'env:GATEWAY_TEST_ADMIN_TOKEN',
      GATEWAY_TEST_ADMIN_TOKEN: ADMIN_TOKEN,
      ADMIN_SESSION_TTL_SECONDS: String(TTL_SECONDS),
      B2C_SETTLE_DELAY_MS: '200',
    });
    origin = gw.url;
    await gw.control.addFault(INCIDENT_REFUSED);
    expect((await postSigned(gw.url, smsParams(dead))).status).toBe(200);
    await settledAs(gw, dead, 'dead');
    await gw.control.clearFaults();
  });
  afterAll(async () => {
    await gw?.stop();
  });

  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(gw.url + path, { method: 'POST', headers, body, redirect: 'manual' });
  const formSignIn = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    post('/admin/session', new URLSearchParams(fields).toString(), {
      'content-type': FORM,
      origin,
      ...headers,
    });
  const jsonSignIn = (body: unknown, headers: Record<string, string> = {}) =>
    post('/admin/session', JSON.stringify(body), {
      'content-type': 'application/json',
      ...headers,
    });

  /** A jar holding a fresh session, and that session as the gateway describes it. */
  async function signedIn(): Promise<{ jar: CookieJar; session: SessionAnswer }> {
    const jar = new CookieJar();
    const response = await jsonSignIn({ token: ADMIN_TOKEN });
    expect(response.status).toBe(200);
    jar.take(response);
    return { jar, session: (await response.json()) as SessionAnswer };
  }
  const get = (path: string, cookie?: string) =>
    fetch(gw.url + path, { headers: cookie === undefined ? {} : { cookie }, redirect: 'manual' });
  const stored = async () => {
    const message = await gw.app.get<InboxStore>(INBOX_STORE).get('twilio', dead);
    return { state: message?.state, attempts: message?.attempts };
  };

  it('signs in from the form: 303 to the console, a session cookie with the safe attributes', async () => {
    const before = Date.now();
    const response = await formSignIn({ token: ADMIN_TOKEN });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const lines = response.headers.getSetCookie();
    expect(lines).toHaveLength(1);
    const cookie = cookieAttributes(lines[0]);
    expect(cookie.name).toBe('gw_admin_session');
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]*){4}$/);
    // The admin token is nowhere in the cookie (it is encrypted, and not even in there).
    expect(lines[0]).not.toContain(ADMIN_TOKEN);
    expect(cookie.attributes).toMatchObject({
      path: '/admin',
      httponly: true,
      samesite: 'Strict',
      'max-age': String(TTL_SECONDS),
    });
    const expires = Date.parse(cookie.attributes.expires as string);
    expect(expires).toBeGreaterThanOrEqual(before + (TTL_SECONDS - 2) * 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + (TTL_SECONDS + 2) * 1000);
    // NODE_ENV=test serves plain http on loopback: a Secure cookie would never come back.
    expect(cookie.attributes.secure).toBeUndefined();
  });

  it('sends the form to a same-site /admin path named in next, and nowhere else', async () => {
    for (const [next, location] of [
      ['/admin/messages?state=dead#top', '/admin/messages?state=dead#top'],
      ['/admin', '/admin'],
      ['https://evil.example/admin/', '/admin/'],
      ['//evil.example/admin/', '/admin/'],
      ['/\\evil.example/admin', '/admin/'],
      ['/administrator', '/admin/'],
      ['/vendors/twilio/webhook', '/admin/'],
      ['javascript:alert(1)', '/admin/'],
    ] as const) {
      const response = await formSignIn({ token: ADMIN_TOKEN, next });
      expect({ next, status: response.status, location: response.headers.get('location') }).toEqual(
        { next, status: 303, location },
      );
    }
  });

  it('sends a wrong or missing token back to the form with ?error=1 and no cookie', async () => {
    for (const fields of [{ token: `${ADMIN_TOKEN}x` }, { token: '' }, {}] as Record<
      string,
      string
    >[]) {
      const response = await formSignIn(fields);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/admin/sign-in?error=1');
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });

  it('signs in with JSON: 200 with subject, expiry and CSRF token; 401/400/415 problems otherwise', async () => {
    const response = await jsonSignIn({ token: ADMIN_TOKEN });
    expect(response.status).toBe(200);
    const body = (await response.json()) as SessionAnswer;
    expect(body).toEqual({
      subject: 'admin',
      expiresAt: expect.any(String),
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(Math.abs(Date.parse(body.expiresAt) - (Date.now() + TTL_SECONDS * 1000))).toBeLessThan(
      5000,
    );
    expect(cookieAttributes(response.headers.getSetCookie()[0]).name).toBe('gw_admin_session');

    const wrong = await jsonSignIn({ token: 'not-the-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await wrong.json()) as { type: string }).type).toBe(`${PROBLEM}admin-unauthorized`);
    expect(wrong.headers.getSetCookie()).toEqual([]);

    const missing = await jsonSignIn({});
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ invalidParams: [{ name: 'token' }] });

    const plain = await post('/admin/session', ADMIN_TOKEN, { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
  });

  it('refuses a sign-in another site posts (Origin or Sec-Fetch-Site)', async () => {
    for (const headers of [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
    ] as Record<string, string>[]) {
      const response = await formSignIn({ token: ADMIN_TOKEN }, headers);
      expect(response.status).toBe(403);
      expect(((await response.json()) as { type: string }).type).toBe(`${PROBLEM}csrf-refused`);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });

  it('describes the session at GET /admin/session, and 401 naming the sign-in without one', async () => {
    const { jar, session } = await signedIn();
    const response = await get('/admin/session', jar.header());
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ ...session, mode: 'token' });

    const anonymous = await get('/admin/session');
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({
      type: `${PROBLEM}admin-unauthorized`,
      adminMode: 'token',
      signIn: '/admin/sign-in',
    });
  });

  it('lets the session read the admin API: the message log and whoami', async () => {
    const { jar } = await signedIn();
    const messages = await get('/admin/messages', jar.header());
    expect(messages.status).toBe(200);
    const page = (await messages.json()) as { items: { messageId: string }[] };
    expect(page.items.map((item) => item.messageId)).toContain(dead);
    const whoami = await get('/admin/whoami', jar.header());
    expect(await whoami.json()).toEqual({ subject: 'admin', mode: 'token' });
  });

  it('refuses a change without the CSRF header (a cross-site form post) and changes nothing; with it the change is made', async () => {
    const { jar, session } = await signedIn();
    const before = await stored();
    expect(before.state).toBe('dead');
    const replay = (headers: Record<string, string>, body = '{}', type = 'application/json') =>
      post('/admin/messages/replay', body, {
        cookie: jar.header(),
        'content-type': type,
        ...headers,
      });

    const refusals: [string, Response][] = [
      ['no header', await replay({})],
      [
        'no header, cross-site form post',
        await replay({ origin: 'https://evil.example' }, 'x=1', FORM),
      ],
      ['a wrong token', await replay({ 'x-csrf-token': `${session.csrfToken.slice(1)}A` })],
      [
        'another session’s token',
        await replay({ 'x-csrf-token': (await signedIn()).session.csrfToken }),
      ],
      [
        'the token from another origin',
        await replay({ 'x-csrf-token': session.csrfToken, origin: 'https://evil.example' }),
      ],
      [
        'the token, cross-site',
        await replay({ 'x-csrf-token': session.csrfToken, 'sec-fetch-site': 'cross-site' }),
      ],
    ];
    for (const [what, response] of refusals) {
      const body = (await response.json()) as { type: string };
      expect({ what, status: response.status, type: body.type }).toEqual({
        what,
        status: 403,
        type: `${PROBLEM}csrf-refused`,
      });
    }
    expect(await stored()).toEqual(before);

    const accepted = await replay({ 'x-csrf-token': session.csrfToken, origin });
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ replayed: 1 });
    await settledAs(gw, dead, 'delivered');
  });

  it('has no OIDC sign-in in token mode', async () => {
    const response = await get('/admin/oidc/login');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('needs no CSRF header with a bearer token (scripts), as before', async () => {
    const response = await post('/admin/messages/replay', '{}', {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      'content-type': 'application/json',
    });
    expect(response.status).toBe(202);
  });

  it('refuses a forged, tampered, expired or foreign-key session cookie with 401', async () => {
    const { jar, session } = await signedIn();
    const good = jar.cookies.get('gw_admin_session') as string;
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'admin', mode: 'token', csrf: session.csrfToken };
    const tampered = good.slice(0, -4) + (good.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const cookies: [string, string][] = [
      ['junk', randomBytes(40).toString('base64url')],
      ['tampered', tampered],
      ['expired', await sealSession(ADMIN_TOKEN, claims, now - 60)],
      [
        'sealed with another token',
        await sealSession('another-admin-token-000', claims, now + 300),
      ],
      ['for another mode', await sealSession(ADMIN_TOKEN, { ...claims, mode: 'jwt' }, now + 300)],
    ];
    // The forgery recipe is right: with the real key and a future expiry it is accepted.
    const forged = await sealSession(ADMIN_TOKEN, claims, now + 300);
    expect((await get('/admin/whoami', `gw_admin_session=${forged}`)).status).toBe(200);
    for (const [what, value] of cookies) {
      for (const path of ['/admin/whoami', '/admin/session', '/admin/messages']) {
        const response = await get(path, `gw_admin_session=${value}`);
        const body = (await response.json()) as { type: string; detail: string };
        expect({ what, path, status: response.status, type: body.type }).toEqual({
          what,
          path,
          status: 401,
          type: `${PROBLEM}admin-unauthorized`,
        });
        expect(body.detail).toMatch(what === 'expired' ? /expired/ : /not valid/);
      }
    }
  });

  it('signs out: the CSRF header is required, then the cookie is cleared', async () => {
    const { jar, session } = await signedIn();
    const refused = await post('/admin/session/logout', '', { cookie: jar.header() });
    expect(refused.status).toBe(403);
    expect(refused.headers.getSetCookie()).toEqual([]);

    const response = await post('/admin/session/logout', '', {
      cookie: jar.header(),
      'x-csrf-token': session.csrfToken,
      origin,
    });
    expect(response.status).toBe(204);
    const cleared = cookieAttributes(response.headers.getSetCookie()[0]);
    expect(cleared).toMatchObject({
      name: 'gw_admin_session',
      value: '',
      attributes: { path: '/admin', 'max-age': '0', httponly: true, samesite: 'Strict' },
    });
    jar.take(response);
    expect(jar.cookies.has('gw_admin_session')).toBe(false);
    expect((await get('/admin/session', jar.header())).status).toBe(401);
  });
});

describe('admin console sessions end with the admin token', () => {
  let gw: GatewayWithEmulator;
  let tokenFile: string;

  beforeAll(async () => {
    tokenFile = join(mkdtempSync(join(tmpdir(), 'admin-token-')), 'token');
    writeFileSync(tokenFile, ADMIN_TOKEN);
    gw = await startGatewayWithEmulator({
      ADMIN_MODE: 'token',
      ADMIN_TOKEN: `file:${tokenFile}`,
      SECRETS_TTL_MS: '200',
      SECRETS_ROTATION_OVERLAP_MS: '0',
    });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('refuses every session once the admin token is rotated (the key derives from it)', async () => {
    const signIn = await fetch(`${gw.url}/admin/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: ADMIN_TOKEN }),
    });
    const cookie = signIn.headers.getSetCookie()[0].split(';', 1)[0];
    const whoami = () => fetch(`${gw.url}/admin/whoami`, { headers: { cookie } });
    expect((await whoami()).status).toBe(200);
    writeFileSync(tokenFile, `${ADMIN_TOKEN}-rotated`);
    const refused = await waitFor('the rotated token to end the session', async () => {
      const response = await whoami();
      return response.status === 401 ? response : undefined;
    });
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/not valid/);
  });
});

describe('admin console, admin.mode disabled (the development default) and routes of the other mode', () => {
  let gw: GatewayWithEmulator;

  beforeAll(async () => {
    gw = await startGatewayWithEmulator({});
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('is closed: no sign-in, no session, no OIDC', async () => {
    const signIn = await fetch(`${gw.url}/admin/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'anything' }),
    });
    expect(signIn.status).toBe(404);
    expect(signIn.headers.getSetCookie()).toEqual([]);
    const session = await fetch(`${gw.url}/admin/session`);
    expect(session.status).toBe(401);
    expect(await session.json()).toMatchObject({ adminMode: 'disabled', signIn: null });
    for (const path of ['/admin/oidc/login', '/admin/oidc/callback?code=x&state=y']) {
      expect((await fetch(gw.url + path, { redirect: 'manual' })).status).toBe(404);
    }
  });
});

describe('admin console sessions, NODE_ENV=production', () => {
  let gateway: InProcessGateway;

  beforeAll(async () => {
    // Production refuses plain http targets; B2C is never called here (no worker, no webhook).
    const site = 'https://b2c-site.example.invalid';
    gateway = await startClosingOnFailure(
      gatewayEnv({
        emulatorUrl: site,
        twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
        extra: {
          NODE_ENV: 'production',
          PORT: String(await freePort()),
          WORKER_ENABLED: 'false',
          ADMIN_MODE: 'token',
          ADMIN_TOKEN: 'env:GATEWAY_TEST_ADMIN_TOKEN',
          GATEWAY_TEST_ADMIN_TOKEN: ADMIN_TOKEN,
          ALLOWLIST_OUTBOUND_TARGETS: site,
          ALLOWLIST_OUTBOUND_ALLOW_HTTP_FOR_DEVELOPMENT: 'false',
        },
      }),
    );
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('marks the session cookie Secure, and its clearing too', async () => {
    const response = await fetch(`${gateway.url}/admin/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: ADMIN_TOKEN }),
    });
    expect(response.status).toBe(200);
    const line = response.headers.getSetCookie()[0];
    expect(cookieAttributes(line).attributes).toMatchObject({
      secure: true,
      httponly: true,
      samesite: 'Strict',
      path: '/admin',
      'max-age': '900',
    });
    const { csrfToken } = (await response.json()) as SessionAnswer;
    const logout = await fetch(`${gateway.url}/admin/session/logout`, {
      method: 'POST',
      headers: { cookie: line.split(';', 1)[0], 'x-csrf-token': csrfToken },
    });
    expect(logout.status).toBe(204);
    expect(cookieAttributes(logout.headers.getSetCookie()[0]).attributes.secure).toBe(true);
  });
});

const OIDC_SESSION_SECRET = 'oidc-session-secret-0123456789abcdef';
const CLIENT_ID = 'gateway-console';

/** A jwt-mode gateway whose console signs in at `provider`, on a port known beforehand. */
async function startOidcGateway(
  provider: OidcProvider,
  extra: Record<string, string> = {},
): Promise<{ gw: GatewayWithEmulator; redirectUrl: string }> {
  const port = await freePort();
  const redirectUrl = `http://127.0.0.1:${port}/admin/oidc/callback`;
  const gw = await startGatewayWithEmulatorOn(port, [provider.url], {
    ADMIN_MODE: 'jwt',
    ADMIN_JWT_JWKS_URL: provider.jwksUrl,
    ADMIN_JWT_ISSUER: provider.issuer,
    ADMIN_JWT_AUDIENCE: 'https://gateway.example.com/admin',
    ADMIN_OIDC_ISSUER: provider.url,
    ADMIN_OIDC_CLIENT_ID: CLIENT_ID,
    ADMIN_OIDC_REDIRECT_URL: redirectUrl,
    ADMIN_OIDC_SCOPES: 'openid profile',
    ADMIN_SESSION_SECRET: 'env:GATEWAY_TEST_SESSION_SECRET',
    GATEWAY_TEST_SESSION_SECRET: OIDC_SESSION_SECRET,
    ...extra,
  });
  return { gw, redirectUrl };
}

/** `startGatewayWithEmulator` on a chosen port, the outbound allowlist opened to the provider. */
async function startGatewayWithEmulatorOn(
  port: number,
  allowed: string[],
  extra: Record<string, string>,
): Promise<GatewayWithEmulator> {
  const { emulator, control } = await startTestEmulator();
  const env = gatewayEnv({
    emulatorUrl: emulator.url,
    twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
    extra: {
      PORT: String(port),
      WORKER_ENABLED: 'false',
      ...allowOutbound([emulator.url, ...allowed]),
      ...extra,
    },
  });
  const gateway = await startClosingOnFailure(env).catch(async (error: unknown) => {
    await emulator.close();
    throw error;
  });
  return {
    ...gateway,
    emulator,
    control,
    stop: async () => {
      await gateway.close();
      await emulator.close();
    },
  };
}

/**
 * `startInProcessGateway`, but a gateway whose start fails after its modules began (a secret
 * refused at init) is closed, so its pools and timers do not outlive the test.
 */
async function startClosingOnFailure(env: Record<string, string>): Promise<InProcessGateway> {
  await prepareStorage(env);
  const app = await createApp({ env, logDestination: { write: () => undefined } });
  try {
    await app.listen({ port: Number(env.PORT), host: '127.0.0.1' });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return { app, url: `http://127.0.0.1:${env.PORT}`, logs: [], close: () => app.close() };
}

describe('admin console sign-in, admin.mode jwt (OpenID Connect with PKCE at a provider stand-in)', () => {
  let provider: OidcProvider;
  let gw: GatewayWithEmulator;
  let redirectUrl: string;

  beforeAll(async () => {
    provider = await OidcProvider.start();
    ({ gw, redirectUrl } = await startOidcGateway(provider));
    // A public client: PKCE is its only proof at the token endpoint.
    provider.addClient(CLIENT_ID, { redirectUris: [redirectUrl] });
  });
  afterAll(async () => {
    await gw?.stop();
    await provider?.close();
  });

  const get = (url: string, jar?: CookieJar) =>
    fetch(url.startsWith('http') ? url : gw.url + url, {
      headers: jar ? { cookie: jar.header() } : {},
      redirect: 'manual',
    });

  /** Login redirect, then the provider's approval: the callback URL the browser is sent to. */
  async function authorize(jar: CookieJar, next?: string): Promise<URL> {
    const login = await get(
      `/admin/oidc/login${next ? `?next=${encodeURIComponent(next)}` : ''}`,
      jar,
    );
    expect(login.status).toBe(302);
    jar.take(login);
    const approval = await get(login.headers.get('location') as string);
    expect(approval.status).toBe(302);
    return new URL(approval.headers.get('location') as string);
  }
  /** The callback, reached on the gateway's own address. */
  const callback = (back: URL, jar: CookieJar) => get(`${back.pathname}${back.search}`, jar);
  const refusedWith = async (response: Response, code: string) => {
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/admin/sign-in?error=${code}`);
    expect(
      response.headers.getSetCookie().map((line) => cookieAttributes(line).name),
    ).not.toContain('gw_admin_session');
  };

  it('signs in: authorization request with PKCE, code exchange, id token checked, session cookie', async () => {
    const jar = new CookieJar();
    const login = await get('/admin/oidc/login?next=/admin/messages', jar);
    expect(login.status).toBe(302);
    const authorizeUrl = new URL(login.headers.get('location') as string);
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(provider.url + AUTHORIZE_PATH);
    const params = Object.fromEntries(authorizeUrl.searchParams);
    expect(params).toEqual({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: redirectUrl,
      scope: 'openid profile',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
    });
    const [stateLine] = login.headers.getSetCookie();
    const stateCookie = cookieAttributes(stateLine);
    expect(stateCookie).toMatchObject({
      name: 'gw_admin_oidc',
      attributes: { path: '/admin/oidc', httponly: true, samesite: 'Lax', 'max-age': '600' },
    });
    // Sealed: neither the state, the nonce nor the verifier can be read from the cookie.
    expect(stateLine).not.toContain(params.state);
    expect(stateLine).not.toContain(params.nonce);
    jar.take(login);

    const approval = await get(authorizeUrl.toString());
    const back = new URL(approval.headers.get('location') as string);
    expect(back.origin + back.pathname).toBe(redirectUrl);
    expect(back.searchParams.get('state')).toBe(params.state);
    const before = provider.requests.token;
    const done = await callback(back, jar);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/admin/messages');
    expect(provider.requests.token).toBe(before + 1);
    const lines = done.headers.getSetCookie().map(cookieAttributes);
    expect(lines.find((line) => line.name === 'gw_admin_oidc')?.attributes['max-age']).toBe('0');
    expect(lines.find((line) => line.name === 'gw_admin_session')?.attributes).toMatchObject({
      path: '/admin',
      httponly: true,
      samesite: 'Strict',
    });
    jar.take(done);
    expect(jar.cookies.has('gw_admin_oidc')).toBe(false);

    const session = await get('/admin/session', jar);
    expect(session.status).toBe(200);
    const described = (await session.json()) as SessionAnswer;
    expect(described).toMatchObject({ subject: 'ops@example.com', mode: 'jwt' });
    const messages = await get('/admin/messages', jar);
    expect(messages.status).toBe(200);
    const whoami = await get('/admin/whoami', jar);
    expect(await whoami.json()).toEqual({ subject: 'ops@example.com', mode: 'jwt' });
    // The CSRF rule holds in jwt mode too.
    const replay = (headers: Record<string, string>) =>
      fetch(`${gw.url}/admin/messages/replay`, {
        method: 'POST',
        headers: { cookie: jar.header(), 'content-type': 'application/json', ...headers },
        body: '{}',
      });
    expect((await replay({})).status).toBe(403);
    expect((await replay({ 'x-csrf-token': described.csrfToken })).status).toBe(202);
  });

  it('refuses a callback whose state is not this browser’s sign-in', async () => {
    const jar = new CookieJar();
    const back = await authorize(jar);
    back.searchParams.set('state', 'A'.repeat(43));
    const before = provider.requests.token;
    await refusedWith(await callback(back, jar), 'state-mismatch');
    // Refused before the code was spent.
    expect(provider.requests.token).toBe(before);
  });

  it('refuses a callback in a browser that did not begin the sign-in (no state cookie)', async () => {
    const back = await authorize(new CookieJar());
    await refusedWith(await callback(back, new CookieJar()), 'state-missing');
  });

  it('refuses a code injected into another sign-in: the token endpoint finds the verifier wrong', async () => {
    // The attacker's code (from their sign-in), delivered with the victim's state.
    const attacker = await authorize(new CookieJar());
    const victim = new CookieJar();
    const victimBack = await authorize(victim);
    victimBack.searchParams.set('code', attacker.searchParams.get('code') as string);
    await refusedWith(await callback(victimBack, victim), 'token-refused');
    expect(provider.refusals.at(-1)).toEqual({
      error: 'invalid_grant',
      why: 'code_verifier does not match the code_challenge',
    });
  });

  it('has a stand-in whose token endpoint really checks the verifier', async () => {
    const back = await authorize(new CookieJar());
    const response = await fetch(provider.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: back.searchParams.get('code') as string,
        redirect_uri: redirectUrl,
        client_id: CLIENT_ID,
        code_verifier: 'x'.repeat(43),
      }).toString(),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it.each([
    ['a wrong nonce', { claims: { nonce: 'another-sign-in' } }, 'nonce-mismatch'],
    ['no nonce', { claims: { nonce: undefined } }, 'nonce-mismatch'],
    ['another audience', { claims: { aud: 'another-client' } }, 'id-token-invalid'],
    [
      'several audiences without azp = this client',
      { claims: { aud: [CLIENT_ID, 'another-client'] } },
      'id-token-invalid',
    ],
    ['another issuer', { claims: { iss: 'https://idcs-evil.example.com' } }, 'id-token-invalid'],
    [
      'an expired token',
      { claims: { exp: Math.floor(Date.now() / 1000) - 600 } },
      'id-token-invalid',
    ],
    ['a key the JWKS does not list', { unpublishedKey: true }, 'id-token-invalid'],
    ['access denied by the provider', { error: 'access_denied' }, 'access-denied'],
    ['another provider error', { error: 'server_error' }, 'provider-error'],
  ])('refuses an id token or answer with %s', async (_what, spoil, code) => {
    provider.spoilNextSignIn(spoil);
    const jar = new CookieJar();
    await refusedWith(await callback(await authorize(jar), jar), code);
    expect((await get('/admin/session', jar)).status).toBe(401);
  });

  it('cannot replay a finished callback', async () => {
    const jar = new CookieJar();
    const back = await authorize(jar);
    const state = jar.cookies.get('gw_admin_oidc') as string;
    const done = await callback(back, jar);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/admin/');
    // Even with the old state cookie put back, the code is spent.
    const again = new CookieJar();
    again.cookies.set('gw_admin_oidc', state);
    await refusedWith(await callback(back, again), 'token-refused');
  });

  it('has no token sign-in in jwt mode', async () => {
    const response = await fetch(`${gw.url}/admin/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'anything' }),
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/\/admin\/oidc\/login/);
    const anonymous = await get('/admin/session');
    expect(await anonymous.json()).toMatchObject({ adminMode: 'jwt', signIn: '/admin/oidc/login' });
  });

  it('refuses a session cookie sealed with another secret', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'ops@example.com', mode: 'jwt', csrf: 'c'.repeat(43) };
    const jar = new CookieJar();
    jar.cookies.set('gw_admin_session', await sealSession(OIDC_SESSION_SECRET, claims, now + 300));
    expect((await get('/admin/whoami', jar)).status).toBe(200);
    jar.cookies.set(
      'gw_admin_session',
      await sealSession(`${OIDC_SESSION_SECRET}x`, claims, now + 300),
    );
    expect((await get('/admin/whoami', jar)).status).toBe(401);
  });
});

describe('admin console sign-in, a confidential OIDC client (client secret)', () => {
  let provider: OidcProvider;
  let gw: GatewayWithEmulator;

  beforeAll(async () => {
    provider = await OidcProvider.start();
    let redirectUrl: string;
    ({ gw, redirectUrl } = await startOidcGateway(provider, {
      ADMIN_OIDC_CLIENT_SECRET: 'env:GATEWAY_TEST_OIDC_CLIENT_SECRET',
      GATEWAY_TEST_OIDC_CLIENT_SECRET: 'console client secret: 9f1c',
    }));
    provider.addClient(CLIENT_ID, {
      secret: 'console client secret: 9f1c',
      redirectUris: [redirectUrl],
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await provider?.close();
  });

  it('authenticates at the token endpoint with the secret (Basic) and signs in', async () => {
    const jar = new CookieJar();
    const login = await fetch(`${gw.url}/admin/oidc/login`, { redirect: 'manual' });
    jar.take(login);
    const approval = await fetch(login.headers.get('location') as string, { redirect: 'manual' });
    const back = new URL(approval.headers.get('location') as string);
    const done = await fetch(`${gw.url}${back.pathname}${back.search}`, {
      headers: { cookie: jar.header() },
      redirect: 'manual',
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/admin/');
    jar.take(done);
    const session = await fetch(`${gw.url}/admin/session`, { headers: { cookie: jar.header() } });
    expect(await session.json()).toMatchObject({ subject: 'ops@example.com', mode: 'jwt' });
    expect(provider.refusals).toEqual([]);
  });
});

describe('admin console settings, checked at start', () => {
  let provider: OidcProvider;

  beforeAll(async () => {
    provider = await OidcProvider.start();
  });
  afterAll(async () => {
    await provider?.close();
  });

  it.each([
    [
      'a missing client id',
      { ADMIN_OIDC_CLIENT_ID: '' },
      'admin.oidc.clientId (ADMIN_OIDC_CLIENT_ID): is required when admin.mode is jwt and admin.oidc is configured',
    ],
    [
      'a missing session secret',
      { ADMIN_SESSION_SECRET: '' },
      'admin.sessionSecret (ADMIN_SESSION_SECRET): is required when admin.mode is jwt and admin.oidc is configured',
    ],
    [
      'a short session secret',
      { GATEWAY_TEST_SESSION_SECRET: 'too-short' },
      'admin.sessionSecret (ADMIN_SESSION_SECRET): must be at least 32 characters',
    ],
    [
      'a redirect URL that is not the callback',
      { ADMIN_OIDC_REDIRECT_URL: 'http://127.0.0.1:1/admin/callback' },
      'admin.oidc.redirectUrl (ADMIN_OIDC_REDIRECT_URL): must be an absolute http(s) URL ending in /admin/oidc/callback',
    ],
    [
      'scopes without openid',
      { ADMIN_OIDC_SCOPES: 'profile email' },
      'admin.oidc.scopes (ADMIN_OIDC_SCOPES): must include openid',
    ],
    [
      'a session lifetime beyond 8 hours',
      { ADMIN_SESSION_TTL_SECONDS: '28801' },
      'admin.sessionTtlSeconds (ADMIN_SESSION_TTL_SECONDS): must not be greater than 28800',
    ],
  ])('refuses to start with %s', async (_what, change, problem) => {
    const started = startOidcGateway(provider, change);
    await expect(started).rejects.toThrow(problem);
    await started.then((running) => running.gw.stop()).catch(() => undefined);
  });

  it('sends the browser back with provider-unavailable when discovery cannot be read, never a 500', async () => {
    const down = await OidcProvider.start();
    await down.close();
    const { gw } = await startOidcGateway(down);
    try {
      const response = await fetch(`${gw.url}/admin/oidc/login`, { redirect: 'manual' });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/admin/sign-in?error=provider-unavailable');
    } finally {
      await gw.stop();
    }
  });

  it('refuses to start when the issuer is off the outbound allowlist (its own process)', async () => {
    // Its own process: a start refused half-way (in a module factory) leaves what it opened running.
    const env = gatewayEnv({
      emulatorUrl: 'http://127.0.0.1:9',
      twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
      extra: {
        WORKER_ENABLED: 'false',
        ADMIN_MODE: 'jwt',
        ADMIN_JWT_JWKS_URL: 'http://127.0.0.1:9/jwks',
        ADMIN_JWT_ISSUER: provider.issuer,
        ADMIN_JWT_AUDIENCE: 'https://gateway.example.com/admin',
        ADMIN_OIDC_ISSUER: 'https://idcs-elsewhere.identity.oraclecloud.com',
        ADMIN_OIDC_CLIENT_ID: CLIENT_ID,
        ADMIN_OIDC_REDIRECT_URL: 'https://gateway.example.com/admin/oidc/callback',
        ADMIN_SESSION_SECRET: OIDC_SESSION_SECRET,
      },
    });
    const refused = await runGatewayUntilExit(env);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(
      'admin.oidc.issuer (ADMIN_OIDC_ISSUER): https://idcs-elsewhere.identity.oraclecloud.com',
    );
    expect(refused.output).toContain('is not an allowed outbound target');
    expect(refused.output).not.toContain(OIDC_SESSION_SECRET);
  });
});
