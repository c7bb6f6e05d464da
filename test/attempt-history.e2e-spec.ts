import type { RunningEmulator } from '../src/emulators/b2c-service/emulator';
import type { EmulatorControl } from '../src/emulators/b2c-service/emulator-control';
import { TWILIO_TEST_AUTH_TOKEN } from '../src/vendors/twilio/fixtures';
import { allowOutbound } from './support/allow-outbound';
import { gatewayEnv } from './support/gateway-env';
import {
  INCIDENT_REFUSED,
  nextSid,
  postSigned,
  settledAs,
  smsParams,
  startTestEmulator,
} from './support/gateway-fixture';
import { IDENTITY_ISSUER, IdentityDomain } from './support/identity-domain';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway';

const AUDIENCE = 'https://gateway.example.com/admin';

interface Call {
  method: string;
  path: string;
  startedAt: string;
  durationMs: number;
  status: number | null;
  errorCode: string | null;
}

interface Entry {
  kind: 'attempt' | 'replay';
  attempt: number | null;
  startedAt: string;
  durationMs: number;
  outcome: string;
  error: string | null;
  by: string | null;
  calls: Call[];
  callsOmitted: number;
}

/**
 * The attempt history of `GET /admin/messages/:id`: a real gateway (SQLite, or PostgreSQL with
 * TEST_STORAGE_DRIVER=postgres), the real B2C emulator answering Oracle-style errors, and
 * admins proved by JWTs of a real (local) identity domain, so each replay names its admin.
 */
describe('attempt history', () => {
  let idp: IdentityDomain;
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let gw: InProcessGateway;

  beforeAll(async () => {
    idp = await IdentityDomain.start();
    ({ emulator, control } = await startTestEmulator());
    gw = await startInProcessGateway(
      gatewayEnv({
        emulatorUrl: emulator.url,
        twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
        extra: {
          ...allowOutbound([emulator.url, idp.url]),
          ADMIN_MODE: 'jwt',
          ADMIN_JWT_JWKS_URL: idp.jwksUrl,
          ADMIN_JWT_ISSUER: IDENTITY_ISSUER,
          ADMIN_JWT_AUDIENCE: AUDIENCE,
          B2C_SETTLE_DELAY_MS: '200',
        },
      }),
    );
  });
  afterAll(async () => {
    await gw?.close();
    await emulator?.close();
    await idp?.close();
  });
  beforeEach(async () => {
    await control.reset();
  });

  async function admin(subject: string, method: 'GET' | 'POST', path: string, body?: unknown) {
    const token = await idp.sign({ iss: IDENTITY_ISSUER, aud: [AUDIENCE], sub: subject });
    const response = await fetch(gw.url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** The message's id in the log, by its Twilio SID. */
  async function idOf(messageSid: string): Promise<number> {
    const answer = await admin('ops@example.com', 'GET', `/admin/messages?messageId=${messageSid}`);
    const items = answer.body.items as { id: number }[];
    expect(items).toHaveLength(1);
    return items[0].id;
  }

  async function historyOf(messageSid: string): Promise<Entry[]> {
    const answer = await admin(
      'ops@example.com',
      'GET',
      `/admin/messages/${await idOf(messageSid)}`,
    );
    expect(answer.status).toBe(200);
    return answer.body.history as Entry[];
  }

  /** Every call is well formed: ISO start, a duration, a path without a query. */
  function expectWellFormed(entries: Entry[]): void {
    for (const entry of entries) {
      expect(Number.isNaN(Date.parse(entry.startedAt))).toBe(false);
      for (const call of entry.calls) {
        expect(call).toEqual({
          method: expect.stringMatching(/^(GET|POST|PATCH)$/),
          path: expect.stringMatching(/^\/[^?]*$/),
          startedAt: expect.any(String),
          durationMs: expect.any(Number),
          status: expect.any(Number),
          errorCode: call.status !== null && call.status >= 400 ? expect.any(String) : null,
        });
        expect(Date.parse(call.startedAt)).toBeGreaterThanOrEqual(Date.parse(entry.startedAt));
      }
    }
  }

  it('is described in the OpenAPI document', async () => {
    const answer = await admin('ops@example.com', 'GET', '/admin/api-docs/json');
    expect(answer.status).toBe(200);
    const paths = answer.body.paths as Record<string, Record<string, Record<string, unknown>>>;
    const one = paths['/admin/messages/{id}'].get;
    expect(one.security).toEqual([{ admin: [] }]);
    expect(JSON.stringify(one.responses)).toContain('#/components/schemas/MessageDetail');
    const schemas = (answer.body.components as { schemas: Record<string, unknown> }).schemas;
    expect(schemas.MessageDetail).toMatchObject({
      properties: { history: { type: 'array', items: { $ref: expect.any(String) } } },
    });
    expect(schemas.MessageHistoryEntry).toMatchObject({
      properties: { calls: { type: 'array' }, by: { nullable: true } },
    });
    expect(schemas.AttemptCall).toMatchObject({
      properties: { errorCode: { nullable: true }, status: { nullable: true } },
    });
  });

  it('shows a delivered message’s attempt with its B2C calls and outcome', async () => {
    const sid = nextSid();
    expect((await postSigned(gw.url, smsParams(sid, { From: '+14155550201' }))).status).toBe(200);
    await settledAs(gw, sid, 'delivered');
    const history = await historyOf(sid);
    expect(history).toEqual([
      {
        kind: 'attempt',
        attempt: 1,
        startedAt: expect.any(String),
        durationMs: expect.any(Number),
        outcome: 'delivered',
        error: null,
        by: null,
        // Checked below (`expect.any(Array)` fails on arrays of fetch's realm).
        calls: expect.anything(),
        callsOmitted: 0,
      },
    ]);
    expectWellFormed(history);
    const calls = history[0].calls.map((call) => `${call.method} ${call.path} ${call.status}`);
    // The contact looked up by phone (the ROQL query with the number is not kept), then made,
    // then the incident.
    expect(calls).toEqual(['GET /contacts 200', 'POST /contacts 201', 'POST /incidents 201']);
    // The list answer stays as it was: no history in it.
    const list = await admin('ops@example.com', 'GET', `/admin/messages?messageId=${sid}`);
    expect(Object.keys((list.body.items as object[])[0])).not.toContain('history');
  });

  it('shows a retry with the B2C error that caused it, then the attempt that delivered', async () => {
    await control.addFault({
      method: 'POST',
      pathPattern: '^/incidents$',
      status: 503,
      errorCode: 'OSC-CREST-00035',
      title: 'Service Unavailable',
      headers: { 'osvc-crest-next-request-after': '100' },
      times: 1,
    });
    const sid = nextSid();
    expect((await postSigned(gw.url, smsParams(sid, { From: '+14155550202' }))).status).toBe(200);
    await settledAs(gw, sid, 'delivered');
    const history = await historyOf(sid);
    expectWellFormed(history);
    expect(history.map((entry) => [entry.kind, entry.attempt, entry.outcome])).toEqual([
      ['attempt', 1, 'retry'],
      // A retry counts: the next attempt is the second.
      ['attempt', 2, 'delivered'],
    ]);
    const [retry, delivered] = history;
    expect(retry.error).toEqual(expect.any(String));
    expect(retry.calls[retry.calls.length - 1]).toMatchObject({
      method: 'POST',
      path: '/incidents',
      status: 503,
      errorCode: 'OSC-CREST-00035',
    });
    expect(delivered.calls[delivered.calls.length - 1]).toMatchObject({
      method: 'POST',
      path: '/incidents',
      status: 201,
      errorCode: null,
    });
    expect(Date.parse(delivered.startedAt)).toBeGreaterThan(Date.parse(retry.startedAt));
  });

  it('shows what B2C refused, and each replay with the admin who asked, by either replay route', async () => {
    await control.addFault(INCIDENT_REFUSED);
    const viaLog = nextSid();
    const viaDeadLetters = nextSid();
    expect((await postSigned(gw.url, smsParams(viaLog, { From: '+14155550203' }))).status).toBe(
      200,
    );
    expect(
      (await postSigned(gw.url, smsParams(viaDeadLetters, { From: '+14155550204' }))).status,
    ).toBe(200);
    await settledAs(gw, viaLog, 'dead');
    await settledAs(gw, viaDeadLetters, 'dead');

    const dead = await historyOf(viaLog);
    expectWellFormed(dead);
    expect(dead).toEqual([
      expect.objectContaining({
        kind: 'attempt',
        attempt: 1,
        outcome: 'dead',
        error: expect.stringMatching(/.+/),
        by: null,
      }),
    ]);
    expect(dead[0].calls[dead[0].calls.length - 1]).toEqual({
      method: 'POST',
      path: '/incidents',
      startedAt: expect.any(String),
      durationMs: expect.any(Number),
      status: 400,
      errorCode: 'OSC-CREST-00003',
    });

    await control.clearFaults();
    const logId = await idOf(viaLog);
    expect(
      await admin('alice@example.com', 'POST', '/admin/messages/replay', { ids: [logId] }),
    ).toMatchObject({ status: 202, body: { replayed: 1 } });
    const deadLetterId = await idOf(viaDeadLetters);
    expect(
      await admin('bob@example.com', 'POST', `/admin/dead-letters/${deadLetterId}/replay`),
    ).toMatchObject({ status: 202, body: { replayed: 1 } });
    await settledAs(gw, viaLog, 'delivered');
    await settledAs(gw, viaDeadLetters, 'delivered');

    for (const [sid, by] of [
      [viaLog, 'alice@example.com'],
      [viaDeadLetters, 'bob@example.com'],
    ] as const) {
      const history = await historyOf(sid);
      expectWellFormed(history);
      // A replayed create that B2C may have made waits out the settle delay first (retries
      // without a call), then looks for it and creates it.
      const waits = history.slice(2, -1);
      expect(history.map((entry) => [entry.kind, entry.outcome, entry.by])).toEqual([
        ['attempt', 'dead', null],
        ['replay', 'replayed', by],
        ...waits.map(() => ['attempt', 'retry', null]),
        ['attempt', 'delivered', null],
      ]);
      for (const wait of waits) {
        expect(wait).toMatchObject({ error: expect.stringMatching(/may still be under way/) });
        expect(wait.calls).toHaveLength(0);
      }
      const delivered = history[history.length - 1];
      expect(delivered.calls.map((call) => `${call.method} ${call.path} ${call.status}`)).toEqual([
        'GET /queryResults 200',
        'POST /incidents 201',
      ]);
      expect(history[1]).toEqual({
        kind: 'replay',
        attempt: null,
        startedAt: expect.any(String),
        durationMs: 0,
        outcome: 'replayed',
        error: null,
        by,
        calls: [],
        callsOmitted: 0,
      });
      // The replay reset the count: the first attempt after it is number 1 again.
      expect(history[2].attempt).toBe(1);
    }
  });
});
