import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/app.factory';
import { REDACTED, REDACTED_HEADERS } from '../src/common/logging/gateway-logging';
import type { RunningEmulator } from '../src/emulators/b2c-service/emulator';
import { TWILIO_TEST_AUTH_TOKEN } from '../src/vendors/twilio/fixtures';
import { gatewayEnv } from './support/gateway-env';
import {
  nextSid,
  postSigned,
  smsParams,
  startTestEmulator,
  WEBHOOK_PATH,
} from './support/gateway-fixture';
import { prepareStorage } from './support/test-storage';

interface CapturedApp {
  app: NestFastifyApplication;
  url: string;
  /** Each line as written, to check that a secret appears nowhere in it. */
  raw: string[];
  lines(): Record<string, unknown>[];
}

/** The real application (createApp) on a loopback socket, its log lines captured as written. */
async function start(emulator: RunningEmulator): Promise<CapturedApp> {
  const env = gatewayEnv({
    emulatorUrl: emulator.url,
    twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
    extra: { WORKER_ENABLED: 'false' },
  });
  await prepareStorage(env);
  const raw: string[] = [];
  const app = await createApp({ env, logDestination: { write: (line: string) => raw.push(line) } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    raw,
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** A distinct, recognisable value per secret header, so a leak of any one of them shows. */
const SECRET_VALUES: Record<string, string> = Object.fromEntries(
  REDACTED_HEADERS.map((name, index) => [name, `secret-${index}-${name}-7c1e9b`]),
);
SECRET_VALUES.authorization = 'Basic c2VjcmV0LXVzZXI6c2VjcmV0LXBhc3N3b3JkLTdjMWU5Yg==';
SECRET_VALUES.cookie = 'gateway_session=cookie-value-7c1e9b';
const QUERY_TOKEN = 'query-token-7c1e9b';

describe('logging through nestjs-pino', () => {
  let emulator: RunningEmulator;
  let gateway: CapturedApp;

  beforeAll(async () => {
    emulator = (await startTestEmulator()).emulator;
    gateway = await start(emulator);
  });
  afterAll(async () => {
    await gateway?.app.close();
    await emulator?.close();
  });

  it('logs a webhook refusal with its request id, and no secret of the request', async () => {
    const response = await postSigned(gateway.url, smsParams(nextSid()), {
      mutate: (request) => {
        // Every secret header, the Twilio signature among them (so the signature is wrong).
        for (const name of REDACTED_HEADERS) request.headers[name] = SECRET_VALUES[name];
        request.path = `${WEBHOOK_PATH}?token=${QUERY_TOKEN}`;
      },
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { requestId: string; referenceId: string };

    const line = gateway.lines().find((entry) => entry.referenceId === body.referenceId);
    expect(line).toMatchObject({
      service: 'b2c-webhook-gateway',
      level: 40,
      context: 'Refusal',
      requestId: body.requestId,
      problem: 'signature-rejected',
    });
    expect(new Date(String(line!.time)).toISOString()).toBe(line!.time);
    // The webhook route binds no logger to the request (its cost, gateway-logging.ts): the
    // refusal line names the request by the id the answer carries.
    expect(line).not.toHaveProperty('req');

    const text = gateway.raw.join('');
    for (const value of Object.values(SECRET_VALUES)) expect(text).not.toContain(value);
    expect(text).not.toContain(QUERY_TOKEN);
  });

  it("logs an admin refusal with the request's own logger, its headers redacted", async () => {
    const headers = { ...SECRET_VALUES, authorization: 'Bearer not-the-admin-token-7c1e9b' };
    const response = await fetch(`${gateway.url}/admin/messages?token=${QUERY_TOKEN}`, {
      headers,
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { requestId: string; referenceId: string };

    const line = gateway.lines().find((entry) => entry.referenceId === body.referenceId);
    expect(line).toMatchObject({
      context: 'Refusal',
      requestId: body.requestId,
      // The request's own logger (nestjs-pino): the same id Fastify gave it.
      req: { id: body.requestId, method: 'GET', path: '/admin/messages' },
    });
    const logged = (line!.req as { headers: Record<string, unknown> }).headers;
    // The headers are in the line (so the checks below can fail), each secret one redacted.
    expect(logged.host).toBe(new URL(gateway.url).host);
    for (const name of REDACTED_HEADERS) expect(logged[name]).toBe(REDACTED);

    const text = gateway.raw.join('');
    for (const value of [...Object.values(headers)]) expect(text).not.toContain(value);
    expect(text).not.toContain(QUERY_TOKEN);
  });

  it('logs Nest and the gateway out of any request through the same JSON logger', () => {
    const lines = gateway.lines();
    expect(lines).toContainEqual(
      expect.objectContaining({
        service: 'b2c-webhook-gateway',
        level: 30,
        context: 'NestApplication',
        msg: 'Nest application successfully started',
      }),
    );
    expect(lines.find((line) => line.context === 'NestApplication')).not.toHaveProperty('req');
  });

  it('gives a second app in the same process its own destination', async () => {
    const second = await start(emulator);
    try {
      const started = (line: Record<string, unknown>) =>
        line.context === 'NestApplication' && line.msg === 'Nest application successfully started';
      const before = gateway.lines().filter(started).length;
      expect(second.lines().filter(started)).toHaveLength(1);
      expect(gateway.lines().filter(started)).toHaveLength(before);
    } finally {
      await second.app.close();
    }
  });
});
