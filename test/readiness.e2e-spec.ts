import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmulatorControl } from '../src/emulators/b2c-service/emulator-control';
import { startEmulator, type RunningEmulator } from '../src/emulators/b2c-service/emulator';
import { B2C_CHECK_CACHE_MS } from '../src/health/readiness.constants';
import { INBOX_STORE, type InboxStore } from '../src/inbox/inbox-store.port';
import { TWILIO_TEST_AUTH_TOKEN } from '../src/vendors/twilio/fixtures';
import { allowOutbound } from './support/allow-outbound';
import { TEST_STORAGE_DRIVER } from './support/test-storage';
import { freePort } from './support/free-port';
import { gatewayEnv, TEST_B2C_PASSWORD, TEST_B2C_USERNAME } from './support/gateway-env';
import { nextSid, postSigned, smsParams } from './support/gateway-fixture';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway';
import { sleep, waitFor } from './support/wait-for';
import { whileDiskRefusesWrites } from './support/sqlite-disk-fault';

jest.setTimeout(90_000);

const ADMIN_TOKEN = 'readiness-admin-token-7c41e0';
/** The readiness probe's query (src/health/b2c-probe.ts); deliveries never ask for contact 0. */
const PROBE_QUERY = /^select id from incidents where primaryContact\.contact\.id = 0 and /;

interface Answer {
  status: number;
  text: string;
  body: Record<string, unknown> & { status: string };
  cacheControl: string | null;
}

describe('readiness (real gateway, real B2C emulator, real SQLite inbox)', () => {
  let port: number;
  let emulatorDb: string;
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let tokenFile: string;
  let gateway: InProcessGateway;

  const startB2c = () =>
    startEmulator({
      dbFile: emulatorDb,
      username: TEST_B2C_USERNAME,
      password: TEST_B2C_PASSWORD,
      port,
    });

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'readiness-'));
    emulatorDb = join(dir, 'emulator.sqlite');
    port = await freePort();
    emulator = await startB2c();
    control = new EmulatorControl(emulator.url, TEST_B2C_USERNAME, TEST_B2C_PASSWORD);
    // A mounted secret file, so that a test can take it away as a broken mount would.
    tokenFile = join(dir, 'twilio-auth-token');
    writeFileSync(tokenFile, `${TWILIO_TEST_AUTH_TOKEN}\n`);
    gateway = await startInProcessGateway(
      gatewayEnv({
        emulatorUrl: emulator.url,
        twilioAuthToken: `file:${tokenFile}`,
        extra: {
          ...allowOutbound([emulator.url]),
          ADMIN_MODE: 'token',
          ADMIN_TOKEN,
          SECRETS_TTL_MS: '300',
          SECRETS_RETRY_AFTER_FAILURE_MS: '200',
        },
      }),
    );
  });

  afterAll(async () => {
    await gateway?.close();
    await emulator?.close();
  });

  async function ready(authorization?: string, path = '/health/ready'): Promise<Answer> {
    const response = await fetch(`${gateway.url}${path}`, {
      headers: authorization === undefined ? {} : { authorization },
    });
    const text = await response.text();
    return {
      status: response.status,
      text,
      body: JSON.parse(text) as Answer['body'],
      cacheControl: response.headers.get('cache-control'),
    };
  }
  const asAdmin = () => ready(`Bearer ${ADMIN_TOKEN}`);
  const untilStatus = (status: string, timeoutMs = B2C_CHECK_CACHE_MS * 3) =>
    waitFor(
      `readiness ${status}`,
      async () => {
        const answer = await asAdmin();
        return answer.body.status === status ? answer : undefined;
      },
      timeoutMs,
      150,
    );
  const probeCalls = async () =>
    (await control.requests()).filter(
      (request) =>
        request.path === '/queryResults' && PROBE_QUERY.test(String(request.query.query)),
    ).length;
  const pendingMessages = async () => ((await asAdmin()).body.inbox as { pending: number }).pending;

  it('live answers 200 while the process runs', async () => {
    const response = await fetch(`${gateway.url}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('gives anonymous callers the status only, and admins every check, the inbox and B2C', async () => {
    const admin = await untilStatus('ok');
    expect(admin.status).toBe(200);
    expect(admin.cacheControl).toBe('no-store');
    expect(admin.body).toMatchObject({
      status: 'ok',
      shuttingDown: false,
      checkedAt: expect.any(String),
      checks: {
        store: { state: 'up', critical: true, latencyMs: expect.any(Number) },
        worker: { state: 'up', critical: true, enabled: true, running: true },
        secrets: { state: 'up', critical: true, loaded: true, failing: [] },
        b2c: {
          state: 'up',
          critical: false,
          latencyMs: expect.any(Number),
          lastSuccessAt: expect.any(String),
          checkedAt: expect.any(String),
        },
      },
      inbox: { pending: 0, dead: 0 },
    });
    for (const secret of [ADMIN_TOKEN, TEST_B2C_PASSWORD, TWILIO_TEST_AUTH_TOKEN]) {
      expect(admin.text).not.toContain(secret);
    }

    const anonymous = await ready();
    expect(anonymous.status).toBe(200);
    expect(anonymous.cacheControl).toBe('no-store');
    expect(anonymous.body).toEqual({ status: 'ok' });
    // `/health` is the same answer, anonymous or admin.
    expect(await ready(undefined, '/health')).toEqual(anonymous);
    const adminAtRoot = await ready(`Bearer ${ADMIN_TOKEN}`, '/health');
    expect(adminAtRoot.status).toBe(200);
    expect(adminAtRoot.body).toMatchObject({
      status: 'ok',
      checks: { store: { state: 'up' }, worker: { state: 'up' }, b2c: { state: 'up' } },
      inbox: { pending: 0, dead: 0 },
    });
    // Refused credentials get the anonymous answer, never details nor a 401 a balancer would
    // take for "down".
    for (const refused of [
      'Bearer not-the-admin-token',
      `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`,
      ADMIN_TOKEN,
    ]) {
      const answer = await ready(refused);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ status: 'ok' });
    }
  });

  it('answers the details at /admin/health to admins only (the console reads them there)', async () => {
    await untilStatus('ok');
    const details = await ready(`Bearer ${ADMIN_TOKEN}`, '/admin/health');
    expect(details.status).toBe(200);
    expect(details.cacheControl).toBe('no-store');
    expect(details.body).toMatchObject({
      status: 'ok',
      checks: { store: { state: 'up' }, b2c: { state: 'up', critical: false } },
      inbox: { pending: 0, dead: 0 },
    });
    const anonymous = await ready(undefined, '/admin/health');
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).not.toContain('checks');
    expect((await ready('Bearer wrong', '/admin/health')).status).toBe(401);
  });

  // A read-only SQLite connection stands for the failing disk; on PostgreSQL readiness is
  // tested with the database taken away (test/postgres-outage.e2e-spec.ts).
  const onSqlite = TEST_STORAGE_DRIVER === 'sqlite' ? it : it.skip;
  onSqlite(
    'is not ready (503) while the store cannot commit, and ready again once it can',
    async () => {
      await whileDiskRefusesWrites(gateway.app.get<InboxStore>(INBOX_STORE), async () => {
        const anonymous = await ready();
        expect(anonymous.status).toBe(503);
        expect(anonymous.body).toEqual({ status: 'down' });
        expect((await ready('Bearer wrong')).body).toEqual({ status: 'down' });
        expect(await ready(undefined, '/health')).toMatchObject({
          status: 503,
          body: { status: 'down' },
        });

        const admin = await asAdmin();
        expect(admin.status).toBe(503);
        expect(admin.body).toMatchObject({
          status: 'down',
          checks: {
            store: {
              state: 'down',
              critical: true,
              lastError: {
                message: expect.stringMatching(/SQLITE_READONLY/),
                at: expect.any(String),
              },
            },
          },
        });
        // Vendors are refused too, so they retry instead of losing the message.
        expect((await postSigned(gateway.url, smsParams(nextSid()))).status).toBe(503);
      });
      const recovered = await asAdmin();
      expect(recovered.status).toBe(200);
      expect(recovered.body).toMatchObject({
        status: 'ok',
        // The failure stays visible to admins after the recovery.
        checks: { store: { state: 'up', lastError: { message: expect.any(String) } } },
      });
      expect(await ready()).toMatchObject({ status: 200, body: { status: 'ok' } });
    },
  );

  it('reports degraded but stays ready while B2C answers 503, calling B2C once per window', async () => {
    // An internal error, not throttling: throttling pauses every call (the next test).
    await control.addFault({ status: 503, errorCode: 'OSC-CREST-00008' });
    const degraded = await untilStatus('degraded');
    expect(degraded.status).toBe(200);
    expect(degraded.body.checks).toMatchObject({
      store: { state: 'up' },
      b2c: {
        state: 'down',
        critical: false,
        lastError: { message: expect.stringMatching(/^B2C GET \/queryResults /) },
        lastSuccessAt: expect.any(String),
      },
    });
    expect(await ready()).toEqual(
      expect.objectContaining({ status: 200, body: { status: 'degraded' } }),
    );

    // Intake stays up: the webhook is accepted and queued for when B2C is back.
    const messageSid = nextSid();
    expect((await postSigned(gateway.url, smsParams(messageSid))).status).toBe(200);
    expect(await pendingMessages()).toBe(1);

    // A new window: however many probes, one call reaches B2C.
    await sleep(B2C_CHECK_CACHE_MS + 100);
    await control.clearRequests();
    const concurrent = await Promise.all(Array.from({ length: 20 }, () => ready()));
    const sequential: Answer[] = [];
    for (let i = 0; i < 10; i += 1) sequential.push(await ready());
    for (const answer of [...concurrent, ...sequential]) {
      expect(answer).toMatchObject({ status: 200, body: { status: 'degraded' } });
    }
    expect(await probeCalls()).toBe(1);

    // B2C is back, but the window's result stands until the window ends.
    await control.clearFaults();
    expect((await ready()).body.status).toBe('degraded');
    expect(await probeCalls()).toBe(1);

    const ok = await untilStatus('ok');
    expect(ok.body.checks).toMatchObject({
      b2c: { state: 'up', lastError: { message: expect.stringMatching(/queryResults/) } },
    });
    await waitFor('the queued message to be delivered', async () =>
      (await pendingMessages()) === 0 ? true : undefined,
    );
  });

  it("answers from the last result without calling B2C while B2C's pause lasts", async () => {
    await untilStatus('ok');
    await sleep(B2C_CHECK_CACHE_MS + 100);
    const pauseMs = B2C_CHECK_CACHE_MS + 3_000;
    await control.addFault({
      status: 503,
      errorCode: 'OSC-CREST-00035',
      headers: { 'osvc-crest-next-request-after': String(pauseMs) },
      times: 1,
    });
    await control.clearRequests();
    const throttled = await untilStatus('degraded');
    expect(throttled.body.checks).toMatchObject({
      b2c: { state: 'down', lastError: { message: 'B2C GET /queryResults throttled' } },
    });
    const pausedUntil = Date.parse(
      (throttled.body.checks as { b2c: { pausedUntil: string } }).b2c.pausedUntil,
    );
    expect(pausedUntil).toBeGreaterThan(Date.now() + B2C_CHECK_CACHE_MS - 500);

    // Past the cache window, still in the pause: the last result, and no call to B2C.
    await sleep(B2C_CHECK_CACHE_MS + 100);
    const started = Date.now();
    const during = await asAdmin();
    expect(Date.now() - started).toBeLessThan(500);
    expect(during.body.checks).toMatchObject({
      b2c: { state: 'down', pausedUntil: new Date(pausedUntil).toISOString() },
    });
    expect(await probeCalls()).toBe(1);

    await sleep(pausedUntil - Date.now());
    await untilStatus('ok');
    expect(await probeCalls()).toBe(2);
  });

  it('reports degraded while B2C refuses connections, and ok once it is back', async () => {
    await emulator.close();
    try {
      const degraded = await untilStatus('degraded');
      expect(degraded.status).toBe(200);
      expect(degraded.body.checks).toMatchObject({
        b2c: {
          state: 'down',
          lastError: { message: expect.stringMatching(/ECONNREFUSED|ECONNRESET|socket hang up/) },
        },
      });
      expect((await postSigned(gateway.url, smsParams(nextSid()))).status).toBe(200);
      expect(await pendingMessages()).toBe(1);
    } finally {
      emulator = await startB2c();
    }
    await untilStatus('ok');
    await waitFor('the queued message to be delivered', async () =>
      (await pendingMessages()) === 0 ? true : undefined,
    );
  });

  it('shows a failing secret refresh to admins and degrades readiness; the last good value works', async () => {
    rmSync(tokenFile);
    try {
      const degraded = await waitFor('the failing refresh', async () => {
        const answer = await asAdmin();
        return (answer.body.checks as { secrets: { state: string } }).secrets.state === 'degraded'
          ? answer
          : undefined;
      });
      expect(degraded.status).toBe(200);
      expect(degraded.body).toMatchObject({
        status: 'degraded',
        checks: {
          secrets: {
            state: 'degraded',
            loaded: true,
            failing: [
              {
                setting: 'vendors.twilio.authToken',
                reference: `file:${tokenFile}`,
                since: expect.any(String),
                error: expect.any(String),
              },
            ],
          },
        },
      });
      expect(degraded.text).not.toContain(TWILIO_TEST_AUTH_TOKEN);
      expect((await ready()).body).toEqual({ status: 'degraded' });
      // Webhooks are still verified with the last value read.
      expect((await postSigned(gateway.url, smsParams(nextSid()))).status).toBe(200);
    } finally {
      writeFileSync(tokenFile, `${TWILIO_TEST_AUTH_TOKEN}\n`);
    }
    const ok = await untilStatus('ok');
    expect(ok.body.checks).toMatchObject({ secrets: { state: 'up', failing: [] } });
  });
});
