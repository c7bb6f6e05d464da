import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmulatorControl } from '../src/emulators/b2c-service/emulator-control';
import { startEmulator, type RunningEmulator } from '../src/emulators/b2c-service/emulator';
import { INBOX_STORE, type InboxStore } from '../src/inbox/inbox-store.port';
import { TWILIO_TEST_AUTH_TOKEN } from '../src/vendors/twilio/fixtures';
import { allowOutbound } from './support/allow-outbound';
import { gatewayEnv, TEST_B2C_PASSWORD, TEST_B2C_USERNAME } from './support/gateway-env';
import { nextSid, postSigned, smsParams } from './support/gateway-fixture';
import { IDENTITY_ISSUER, IdentityDomain } from './support/identity-domain';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway';
import { waitFor } from './support/wait-for';

const CLIENT_ID = 'b2c-webhook-gateway-client';
const CLIENT_SECRET = 'client-secret-7f3e9a1c';
const B2C_AUDIENCE = 'https://mysite.custhelp.com/';
const SESSION_ID = 'session-4d2b8c0e9f1a';

describe('B2C authentication beyond Basic (real identity domain and emulator sockets)', () => {
  let idp: IdentityDomain;
  let emulator: RunningEmulator;
  let control: EmulatorControl;

  beforeAll(async () => {
    idp = await IdentityDomain.start();
    idp.addClient(CLIENT_ID, { secret: CLIENT_SECRET, audience: B2C_AUDIENCE, expiresIn: 3600 });
    emulator = await startEmulator({
      dbFile: join(mkdtempSync(join(tmpdir(), 'emulator-')), 'emulator.sqlite'),
      username: TEST_B2C_USERNAME,
      password: TEST_B2C_PASSWORD,
      oauth: { issuer: IDENTITY_ISSUER, audience: B2C_AUDIENCE, jwks: idp.jwks() },
      sessionIds: [SESSION_ID],
    });
    control = new EmulatorControl(emulator.url, TEST_B2C_USERNAME, TEST_B2C_PASSWORD);
  });
  afterAll(async () => {
    await emulator?.close();
    await idp?.close();
  });
  beforeEach(async () => {
    await control.reset();
  });

  const startGateway = (extra: Record<string, string>) =>
    startInProcessGateway(
      gatewayEnv({
        emulatorUrl: emulator.url,
        twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
        extra: { ...allowOutbound([emulator.url, idp.url]), ...extra },
      }),
    );

  const deliver = async (gateway: InProcessGateway) => {
    const sid = nextSid();
    const response = await postSigned(gateway.url, smsParams(sid));
    expect(response.status).toBe(200);
    const store = gateway.app.get<InboxStore>(INBOX_STORE);
    return waitFor(`delivery of ${sid}`, async () => {
      const stored = await store.get('twilio', sid);
      return stored?.state === 'delivered' ? stored : undefined;
    });
  };

  describe('b2c.auth oauth', () => {
    let gateway: InProcessGateway;

    beforeAll(async () => {
      gateway = await startGateway({
        B2C_AUTH: 'oauth',
        B2C_OAUTH_TOKEN_URL: idp.tokenUrl,
        B2C_OAUTH_CLIENT_ID: CLIENT_ID,
        B2C_OAUTH_CLIENT_SECRET: 'env:GATEWAY_TEST_OAUTH_SECRET',
        GATEWAY_TEST_OAUTH_SECRET: CLIENT_SECRET,
        B2C_OAUTH_SCOPE: `${B2C_AUDIENCE}urn:opc:resource:consumer::all`,
        // The Basic password must not be needed, nor sent.
        B2C_PASSWORD: 'env:GATEWAY_TEST_UNSET_PASSWORD',
      });
    });
    afterAll(async () => {
      await gateway?.close();
    });

    it('delivers an incident with a bearer token the emulator verifies, fetching the token once', async () => {
      const tokensBefore = idp.requests.token;
      await deliver(gateway);
      await deliver(gateway);
      const requests = await control.requests();
      expect(requests.length).toBeGreaterThanOrEqual(4);
      for (const request of requests) {
        expect(request.headers.authorization).toBe('Bearer');
        expect(request.status).toBeLessThan(300);
      }
      // Cached: two deliveries, several calls, one token (fetched on first use, not at start).
      expect(tokensBefore).toBe(0);
      expect(idp.requests.token).toBe(1);
    });

    it('takes exactly one new token after a 401 and repeats the refused request once', async () => {
      await deliver(gateway); // a cached token exists
      await control.reset();
      const tokensBefore = idp.requests.token;
      await control.addFault({ status: 401, errorCode: 'OSC-CREST-00014', times: 1 });
      await deliver(gateway);
      expect(idp.requests.token - tokensBefore).toBe(1);
      const requests = await control.requests();
      expect(requests.map((r) => `${r.method} ${r.path} ${r.status}`).slice(0, 2)).toEqual([
        'GET /contacts 401',
        'GET /contacts 200',
      ]);
    });

    it('repeats a refused request only once: a second 401 reaches the worker, which dead-letters it', async () => {
      await deliver(gateway);
      await control.reset();
      const tokensBefore = idp.requests.token;
      await control.addFault({ status: 401, errorCode: 'OSC-CREST-00014', times: 2 });
      const sid = nextSid();
      expect((await postSigned(gateway.url, smsParams(sid))).status).toBe(200);
      const store = gateway.app.get<InboxStore>(INBOX_STORE);
      const settled = await waitFor(`${sid} to settle`, async () => {
        const stored = await store.get('twilio', sid);
        return stored && stored.state !== 'pending' ? stored : undefined;
      });
      const requests = await control.requests();
      expect(requests.slice(0, 2).map((r) => r.status)).toEqual([401, 401]);
      // One refresh for the first 401; the repeat's 401 is not followed by another repeat.
      expect(idp.requests.token - tokensBefore).toBe(1);
      expect(requests).toHaveLength(2);
      // 401 is not retryable for the worker: the message is dead-lettered with B2C's answer.
      expect(settled.state).toBe('dead');
    });
  });

  describe('b2c.auth session', () => {
    it('delivers with Authorization: Session <id>', async () => {
      const gateway = await startGateway({
        B2C_AUTH: 'session',
        B2C_SESSION_ID: 'env:GATEWAY_TEST_SESSION_ID',
        GATEWAY_TEST_SESSION_ID: SESSION_ID,
      });
      try {
        await deliver(gateway);
        const requests = await control.requests();
        expect(requests.length).toBeGreaterThanOrEqual(2);
        for (const request of requests) expect(request.headers.authorization).toBe('Session');
      } finally {
        await gateway.close();
      }
    });
  });

  describe('b2c.auth basic', () => {
    it('still delivers with the staff account', async () => {
      const gateway = await startGateway({});
      try {
        await deliver(gateway);
        for (const request of await control.requests()) {
          expect(request.headers.authorization).toBe('Basic');
        }
      } finally {
        await gateway.close();
      }
    });
  });
});
