import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertMonitor } from '../src/alerts/alert-monitor';
import type { EmulatorControl } from '../src/emulators/b2c-service/emulator-control';
import type { RunningEmulator } from '../src/emulators/b2c-service/emulator';
import { TWILIO_TEST_AUTH_TOKEN } from '../src/vendors/twilio/fixtures';
import { allowOutbound } from './support/allow-outbound';
import {
  INCIDENT_REFUSED,
  nextSid,
  postSigned,
  settledAs,
  smsParams,
  startTestEmulator,
} from './support/gateway-fixture';
import { gatewayEnv } from './support/gateway-env';
import { runGatewayUntilExit } from './support/gateway-process';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway';
import { TEST_STORAGE_DRIVER } from './support/test-storage';
import { waitFor } from './support/wait-for';

const ADMIN_TOKEN = 'alerts-admin-token-77c2a1';
/** The webhook URL's path stands for a Slack webhook's secret: it must never be logged. */
const HOOK_SECRET = 'T0000/B0000/alerts-hook-secret-4e1d';

interface Received {
  path: string;
  body: Record<string, unknown>;
}

/**
 * A real HTTP server taking alerts; answers 503 to the first `failFirst` requests, and each
 * answer after `delayMs` (a slow receiver: sends overlap checks).
 */
async function startReceiver(failFirst = 0, delayMs = 0) {
  const received: Received[] = [];
  let attempts = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      attempts += 1;
      if (attempts <= failFirst) {
        response.writeHead(503).end('busy');
        return;
      }
      received.push({
        path: request.url ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      setTimeout(
        () => response.writeHead(200, { 'content-type': 'text/plain' }).end('ok'),
        delayMs,
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: `${origin}/services/${HOOK_SECRET}`,
    received,
    attempts: () => attempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Slack format: the text of every alert received that starts with `prefix`. */
const texts = (receiver: Receiver, prefix: string) =>
  receiver.received.map((alert) => String(alert.body.text)).filter((t) => t.startsWith(prefix));

function alertsEnv(
  emulator: RunningEmulator,
  receiver: Receiver,
  extra: Record<string, string> = {},
): Record<string, string> {
  return gatewayEnv({
    emulatorUrl: emulator.url,
    twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
    extra: {
      ...allowOutbound([emulator.url, receiver.origin]),
      ADMIN_MODE: 'token',
      ADMIN_TOKEN,
      // A replayed refused create first waits this long and looks for what it may have made.
      B2C_SETTLE_DELAY_MS: '500',
      // A secret reference, as a Slack webhook URL should be given.
      ALERT_HOOK_URL: receiver.url,
      ALERTS_WEBHOOK_URLS: 'env:ALERT_HOOK_URL',
      ALERTS_CHECK_INTERVAL_MS: '150',
      // 2 refusals in 3 s are 40 a minute.
      ALERTS_SIGNATURE_FAILURES_PER_MINUTE: '40',
      ALERTS_SIGNATURE_FAILURES_WINDOW_SECONDS: '3',
      ...extra,
    },
  });
}

/** Waits until the gateways together have evaluated `more` checks after now. */
async function laterChecks(gateways: InProcessGateway[], more = 2): Promise<void> {
  const total = () =>
    gateways.reduce((sum, gateway) => sum + gateway.app.get(AlertMonitor).evaluations, 0);
  const target = total() + more;
  await waitFor(`${more} more alert checks`, () => (total() >= target ? true : undefined));
}

/**
 * Makes one message dead. The alerts have evaluated once before: dead letters already there
 * when alerts start are the baseline, not news.
 */
async function makeDead(
  gateway: InProcessGateway,
  control: EmulatorControl,
  evaluating: InProcessGateway[] = [gateway],
): Promise<string> {
  await laterChecks(evaluating, 1);
  const sid = nextSid();
  await control.addFault(INCIDENT_REFUSED);
  expect((await postSigned(gateway.url, smsParams(sid))).status).toBe(200);
  await settledAs(gateway, sid, 'dead');
  return sid;
}

/** B2C takes incidents again; the dead message is replayed (admin API) and delivered. */
async function replayDead(
  gateway: InProcessGateway,
  control: EmulatorControl,
  sid: string,
): Promise<void> {
  await control.clearFaults();
  const replay = await fetch(`${gateway.url}/admin/messages/replay`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messageId: sid }),
  });
  expect(await replay.json()).toEqual({ replayed: 1 });
  await settledAs(gateway, sid, 'delivered');
}

describe(`alert webhooks (${TEST_STORAGE_DRIVER})`, () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
  });
  beforeEach(async () => {
    await control.clearFaults();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await emulator?.close();
  });

  async function receiver(failFirst = 0, delayMs = 0): Promise<Receiver> {
    const started = await startReceiver(failFirst, delayMs);
    cleanups.push(started.close);
    return started;
  }
  async function gateway(env: Record<string, string>): Promise<InProcessGateway> {
    const started = await startInProcessGateway(env);
    cleanups.push(started.close);
    return started;
  }

  it('sends one dead-letters alert (retried once refused), and resolves it when replayed', async () => {
    // The first alert POST is refused: it is sent again at the next check, and only then taken.
    const hook = await receiver(1);
    const gw = await gateway(alertsEnv(emulator, hook));
    const sid = await makeDead(gw, control);

    await waitFor('the dead-letters alert', () =>
      texts(hook, '[FIRING] dead letters').length > 0 ? true : undefined,
    );
    expect(hook.attempts()).toBe(2);
    await laterChecks([gw]);
    expect(texts(hook, '[FIRING] dead letters')).toHaveLength(1);
    expect(hook.received[0]).toEqual({
      path: `/services/${HOOK_SECRET}`,
      body: { text: expect.stringContaining('1 dead letters, 1 more since') as string },
    });
    expect(texts(hook, '[FIRING] dead letters')[0]).toMatch(/\(threshold 1\)\. Gateway \S+/);

    // Replayed and delivered: the count is back where it was when the condition was clear.
    await replayDead(gw, control, sid);
    await waitFor('the dead-letters resolution', () =>
      texts(hook, '[RESOLVED] dead letters').length > 0 ? true : undefined,
    );
    await laterChecks([gw]);
    expect(texts(hook, '[RESOLVED] dead letters')).toHaveLength(1);
    expect(texts(hook, '[FIRING] dead letters')).toHaveLength(1);
    // Slack format: `{ text }` and nothing else, never a phone number or the message's text.
    for (const { body } of hook.received) expect(Object.keys(body)).toEqual(['text']);
    const sent = JSON.stringify(hook.received);
    expect(sent).not.toContain('+1415555');
    expect(sent).not.toContain('My order has not arrived');
    // The webhook URL's secret path never reaches a log line.
    expect(JSON.stringify(gw.logs)).not.toContain(HOOK_SECRET);
    expect(JSON.stringify(gw.logs)).toContain('alerts.webhookUrls[0] (http://127.0.0.1:');
  });

  it('fires on a burst of signature failures, and resolves once the window has passed', async () => {
    const hook = await receiver();
    const gw = await gateway(alertsEnv(emulator, hook));
    for (let request = 0; request < 3; request += 1) {
      const refused = await postSigned(gw.url, smsParams(nextSid()), {
        authToken: 'not-the-auth-token',
      });
      expect(refused.status).toBeGreaterThanOrEqual(400);
    }
    const [firing] = await waitFor('the signature alert', () => {
      const found = texts(hook, '[FIRING] signature failures');
      return found.length > 0 ? found : undefined;
    });
    expect(firing).toMatch(/^\[FIRING\] signature failures: \d+ signature refusals per minute/);
    expect(firing).toContain('over the last 3 s (threshold 40)');
    await waitFor('the signature resolution', () =>
      texts(hook, '[RESOLVED] signature failures').length > 0 ? true : undefined,
    );
    expect(texts(hook, '[FIRING] signature failures')).toHaveLength(1);
    // Nothing else held.
    expect(hook.received).toHaveLength(2);
  });

  it('refuses to start with an alert webhook off the outbound allowlist, without its secret', async () => {
    const hook = await receiver();
    const env = alertsEnv(emulator, hook, {
      ALERT_HOOK_URL: `https://hooks.example.com/services/${HOOK_SECRET}`,
    });
    // Its own process: a start refused half-way leaves what it opened running.
    const refused = await runGatewayUntilExit(env);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(
      'alerts.webhookUrls[0] (ALERTS_WEBHOOK_URLS): https://hooks.example.com/… is not an allowed outbound target',
    );
    expect(refused.output).not.toContain(HOOK_SECRET);
  });

  it(
    TEST_STORAGE_DRIVER === 'postgres'
      ? 'sends each alert once from two gateways on one database (json format)'
      : 'does not send an alert again after a restart (json format)',
    async () => {
      // Slow to answer: another process checking meanwhile would find the alert still due.
      const hook = await receiver(0, 1_000);
      const env = alertsEnv(emulator, hook, { ALERTS_FORMAT: 'json' });
      const first = await gateway(env);
      // PostgreSQL: a second process on the same schema. SQLite: the same data directory later.
      const second =
        TEST_STORAGE_DRIVER === 'postgres'
          ? await gateway({ ...env, DATA_DIR: mkdtempSync(join(tmpdir(), 'gateway-')) })
          : undefined;
      const sid = await makeDead(first, control, second ? [first, second] : [first]);
      const [alert] = await waitFor('the dead-letters alert', () =>
        hook.received.length > 0 ? hook.received : undefined,
      );
      expect(alert.body).toEqual({
        alert: 'dead-letters',
        state: 'firing',
        summary: '1 dead letters, 1 more since the condition was last clear (threshold 1)',
        value: 1,
        threshold: 1,
        since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
        gateway: expect.stringMatching(/\(instance [0-9a-f]{8}\)$/) as string,
      });
      // Stopped at once, while the slow receiver has not answered yet: the stop waits for the
      // send (if this process made it) and stores that it went out.
      await first.close();
      cleanups.splice(cleanups.indexOf(first.close), 1);
      const remaining = second ?? (await gateway(env));
      // Evaluated again by the remaining (or restarted) process, from the stored state.
      await laterChecks([remaining]);
      expect(hook.received).toHaveLength(1);
      // The stored state still knows it fired (a fresh one would take the dead letter as the
      // baseline): replaying it resolves the alert, once.
      await replayDead(remaining, control, sid);
      await waitFor('the resolution', () => (hook.received.length > 1 ? true : undefined));
      await laterChecks([remaining]);
      expect(hook.received.map(({ body }) => [body.alert, body.state])).toEqual([
        ['dead-letters', 'firing'],
        ['dead-letters', 'resolved'],
      ]);
    },
  );
});
