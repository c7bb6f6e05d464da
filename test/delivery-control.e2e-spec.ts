import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatorControl } from '../src/emulators/b2c-service/emulator-control';
import type { RunningEmulator } from '../src/emulators/b2c-service/emulator';
import { DeliveryWorker } from '../src/delivery/delivery-worker';
import { INBOX_STORE, type InboxStore, type StoredMessage } from '../src/inbox/inbox-store.port';
import { TWILIO_TEST_AUTH_TOKEN } from '../src/vendors/twilio/fixtures';
import {
  nextSid,
  postSigned,
  settledAs,
  smsParams,
  startTestEmulator,
} from './support/gateway-fixture';
import { gatewayEnv, TEST_B2C_PASSWORD } from './support/gateway-env';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway';
import { TEST_STORAGE_DRIVER } from './support/test-storage';
import { waitFor } from './support/wait-for';

const ADMIN_TOKEN = 'delivery-control-admin-token-8d3a61';
const PROBLEM = 'urn:b2c-webhook-gateway:problem:';

interface Answer {
  status: number;
  type: string | null;
  text: string;
  body: Record<string, unknown>;
}

interface BlockedSender {
  sender: string;
  blocking: {
    id: number;
    vendor: string;
    messageId: string;
    attempts: number;
    receivedAt: string;
    nextAttemptAt: string;
    lastError: { message?: string } | null;
  };
  waiting: number;
}

/**
 * Delivery control on a real gateway (SQLite, or PostgreSQL with TEST_STORAGE_DRIVER=postgres)
 * with the real B2C emulator and signed Twilio webhooks: pause and resume, the pause in
 * readiness and metrics and across a restart, blocked senders, and the effective configuration.
 */
describe('delivery control', () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let env: Record<string, string>;
  let gw: InProcessGateway;
  const extraGateways: InProcessGateway[] = [];

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    const secretsDir = mkdtempSync(join(tmpdir(), 'delivery-control-secrets-'));
    const passwordFile = join(secretsDir, 'b2c-password');
    writeFileSync(passwordFile, `${TEST_B2C_PASSWORD}\n`);
    // Inbound rules in force, to be shown by /admin/config (loopback may call everything).
    const configFile = join(secretsDir, 'gateway.yaml');
    writeFileSync(
      configFile,
      [
        'allowlist:',
        '  inbound:',
        '    sourceGroups:',
        '      loopback: [127.0.0.1/32, "::1/128"]',
        '    pathGroups:',
        '      everything: [{ prefix: / }]',
        '    rules:',
        '      - { name: local-only, pathGroup: everything, sources: [loopback] }',
        '',
      ].join('\n'),
    );
    env = gatewayEnv({
      emulatorUrl: emulator.url,
      twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
      extra: {
        GATEWAY_CONFIG: configFile,
        ADMIN_MODE: 'token',
        // Three kinds of secret reference for /admin/config to show: env:, file:, inline value.
        ADMIN_TOKEN: 'env:DELIVERY_CONTROL_TEST_ADMIN_TOKEN',
        DELIVERY_CONTROL_TEST_ADMIN_TOKEN: ADMIN_TOKEN,
        B2C_PASSWORD: `file:${passwordFile}`,
        B2C_SETTLE_DELAY_MS: '0',
        WORKER_MAX_ATTEMPTS: '1000',
      },
    });
    gw = await startInProcessGateway(env);
  });
  afterAll(async () => {
    for (const other of extraGateways) await other.close();
    await gw?.close();
    await emulator?.close();
  });
  afterEach(async () => {
    await control.clearFaults();
    await call(gw, 'POST', '/admin/delivery/resume');
  });

  async function call(
    on: InProcessGateway,
    method: 'GET' | 'POST',
    path: string,
    options: { body?: string; type?: string; authorization?: string | null } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    const authorization =
      options.authorization === undefined ? `Bearer ${ADMIN_TOKEN}` : options.authorization;
    if (authorization !== null) headers.authorization = authorization;
    if (options.body !== undefined) headers['content-type'] = options.type ?? 'application/json';
    const response = await fetch(on.url + path, { method, headers, body: options.body });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // Not JSON (metrics): `text` has it.
    }
    return { status: response.status, type: response.headers.get('content-type'), text, body };
  }

  const stored = (on: InProcessGateway, sid: string): Promise<StoredMessage | undefined> =>
    on.app.get<InboxStore>(INBOX_STORE).get('twilio', sid);

  /** Waits for `turns` loop turns of the gateway's worker that began after `since` (epoch ms). */
  async function workerTurnsAfter(on: InProcessGateway, since: number, turns = 3): Promise<void> {
    const worker = on.app.get(DeliveryWorker, { strict: false });
    const seen = new Set<number>();
    await waitFor(
      `${turns} worker turns`,
      () => {
        if (worker.lastTurnAt > since) seen.add(worker.lastTurnAt);
        return seen.size >= turns ? true : undefined;
      },
      10_000,
      5,
    );
  }

  /** A webhook accepted now, and proof that the worker went round while it stayed pending. */
  async function acceptedAndHeld(on: InProcessGateway, from: string): Promise<string> {
    const sid = nextSid();
    expect((await postSigned(on.url, smsParams(sid, { From: from }))).status).toBe(200);
    const acceptedAt = Date.now();
    await workerTurnsAfter(on, acceptedAt);
    expect(await stored(on, sid)).toMatchObject({ state: 'pending', attempts: 0 });
    return sid;
  }

  it('refuses callers without admin credentials, and bad input by name', async () => {
    for (const [method, path] of [
      ['GET', '/admin/delivery'],
      ['POST', '/admin/delivery/pause'],
      ['POST', '/admin/delivery/resume'],
      ['GET', '/admin/config'],
    ] as const) {
      const anonymous = await call(gw, method, path, { authorization: null });
      expect({ path, status: anonymous.status, type: anonymous.body.type }).toEqual({
        path,
        status: 401,
        type: `${PROBLEM}admin-unauthorized`,
      });
      const wrong = await call(gw, method, path, { authorization: 'Bearer not-the-token' });
      expect(wrong.status).toBe(401);
    }
    for (const [query, name] of [
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=ten', 'limit'],
      ['sender=x', 'sender'],
    ]) {
      const answer = await call(gw, 'GET', `/admin/delivery?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.type).toContain('application/problem+json');
      expect(answer.body.invalidParams).toEqual(
        expect.arrayContaining([expect.objectContaining({ name })]),
      );
    }
    const long = await call(gw, 'POST', '/admin/delivery/pause', {
      body: JSON.stringify({ reason: 'x'.repeat(201) }),
    });
    expect(long.status).toBe(400);
    expect(long.body.invalidParams).toEqual([expect.objectContaining({ name: 'reason' })]);
    for (const body of [JSON.stringify({ reason: 5 }), JSON.stringify({ until: 'later' })]) {
      const answer = await call(gw, 'POST', '/admin/delivery/pause', { body });
      expect(answer.status).toBe(400);
      expect(answer.body.invalidParams).toBeDefined();
    }
    for (const body of ['[1]', '{not json']) {
      const answer = await call(gw, 'POST', '/admin/delivery/pause', { body });
      expect(answer.status).toBe(400);
      expect(answer.body.invalidParams).toEqual([expect.objectContaining({ name: 'body' })]);
    }
    const text = await call(gw, 'POST', '/admin/delivery/pause', {
      body: 'reason=maintenance',
      type: 'application/x-www-form-urlencoded',
    });
    expect(text.status).toBe(415);
    // None of them paused anything.
    expect((await call(gw, 'GET', '/admin/delivery')).body.paused).toBe(false);
  });

  it('holds delivery while paused, still accepting webhooks, and delivers once resumed', async () => {
    const before = Date.now();
    const paused = await call(gw, 'POST', '/admin/delivery/pause', {
      body: JSON.stringify({ reason: 'B2C maintenance' }),
    });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({
      paused: true,
      pausedBy: 'admin',
      reason: 'B2C maintenance',
      b2cPausedUntil: null,
    });
    expect(Date.parse(String(paused.body.pausedAt))).toBeGreaterThanOrEqual(before - 5);

    // Readiness: still ready (webhooks are accepted), and says who paused since when.
    const ready = await call(gw, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).not.toBe('down');
    expect(ready.body.delivery).toEqual({
      paused: true,
      since: paused.body.pausedAt,
      by: 'admin',
    });
    expect((await call(gw, 'GET', '/admin/metrics')).text).toMatch(/^gateway_delivery_paused 1$/m);

    await control.clearRequests();
    const sid = await acceptedAndHeld(gw, '+14155550701');
    // Nothing went to B2C for it: no lookup, no create.
    expect((await control.requests()).filter((r) => r.path.includes('contacts'))).toEqual([]);

    const resumed = await call(gw, 'POST', '/admin/delivery/resume');
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ paused: false, pausedBy: null, pausedAt: null });
    expect((await settledAs(gw, sid, 'delivered')).checkpoint.incidentId).toBeGreaterThan(0);
    expect((await call(gw, 'GET', '/health/ready')).body.delivery).toEqual({
      paused: false,
      since: null,
      by: null,
    });
    expect((await call(gw, 'GET', '/admin/metrics')).text).toMatch(/^gateway_delivery_paused 0$/m);
  });

  it('keeps the pause across a restart on the same store', async () => {
    expect((await call(gw, 'POST', '/admin/delivery/pause')).body.paused).toBe(true);
    await gw.close();
    gw = await startInProcessGateway(env);
    const after = await call(gw, 'GET', '/admin/delivery');
    expect(after.body).toMatchObject({ paused: true, pausedBy: 'admin', reason: null });
    const sid = await acceptedAndHeld(gw, '+14155550702');
    await call(gw, 'POST', '/admin/delivery/resume');
    await settledAs(gw, sid, 'delivered');
  });

  it('lists a sender blocked by a failing message, with the message waiting behind it', async () => {
    const sender = '+14155550703';
    // Every contact lookup fails with a 500: each attempt fails, and is retried.
    await control.addFault({ method: 'GET', pathPattern: '^/contacts$', status: 500 });
    const first = nextSid();
    expect((await postSigned(gw.url, smsParams(first, { From: sender }))).status).toBe(200);
    const blocked = async (): Promise<BlockedSender | undefined> => {
      const answer = await call(gw, 'GET', '/admin/delivery?limit=200');
      const list = answer.body.blockedSenders as BlockedSender[];
      return list.find((entry) => entry.sender === sender);
    };
    const alone = await waitFor('the sender to be blocked', blocked);
    expect(alone).toMatchObject({ blocking: { messageId: first, vendor: 'twilio' }, waiting: 0 });
    expect(alone.blocking.attempts).toBeGreaterThanOrEqual(1);

    const second = nextSid();
    expect((await postSigned(gw.url, smsParams(second, { From: sender }))).status).toBe(200);
    const behind = await waitFor('the second message behind the first', async () => {
      const entry = await blocked();
      return entry?.waiting === 1 ? entry : undefined;
    });
    const firstStored = await stored(gw, first);
    expect(behind.blocking).toMatchObject({
      id: firstStored!.seq,
      messageId: first,
      vendor: 'twilio',
    });
    expect(behind.blocking.lastError?.message).toMatch(/500/);
    expect(Number.isNaN(Date.parse(behind.blocking.nextAttemptAt))).toBe(false);
    expect(Number.isNaN(Date.parse(behind.blocking.receivedAt))).toBe(false);
    expect(
      ((await call(gw, 'GET', '/admin/delivery?limit=1')).body.blockedSenders as unknown[]).length,
    ).toBe(1);

    await control.clearFaults();
    await settledAs(gw, first, 'delivered');
    await settledAs(gw, second, 'delivered');
    expect(await blocked()).toBeUndefined();
  });

  it('shows the effective configuration with secrets as their kind only', async () => {
    const answer = await call(gw, 'GET', '/admin/config');
    expect(answer.status).toBe(200);
    const secrets = [ADMIN_TOKEN, TEST_B2C_PASSWORD, TWILIO_TEST_AUTH_TOKEN];
    if (env.DATABASE_URL) {
      secrets.push(env.DATABASE_URL);
      // Not even a part of it: the schema its search_path names.
      secrets.push(/search_path=([a-z0-9_]+)/.exec(decodeURIComponent(env.DATABASE_URL))![1]);
    }
    for (const secret of secrets) expect(answer.text).not.toContain(secret);
    expect(answer.body).toMatchObject({
      admin: { mode: 'token', token: { secret: 'env:' } },
      b2c: { password: { secret: 'file:' }, url: emulator.url },
      vendors: { twilio: { enabled: true, authToken: { secret: 'value' } } },
      allowlist: {
        inbound: {
          rules: [{ name: 'local-only', pathGroup: 'everything', sources: ['loopback'] }],
        },
        outbound: { targets: expect.arrayContaining([emulator.url]) },
      },
    });
    if (TEST_STORAGE_DRIVER === 'postgres') {
      expect(answer.body).toMatchObject({
        storage: { driver: 'postgres', postgres: { url: { secret: 'value' } } },
      });
    }
  });

  it('documents its routes in the OpenAPI document, admin-only, with their refusals', async () => {
    type Operation = {
      security?: unknown[];
      responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
    };
    const document = (await call(gw, 'GET', '/admin/api-docs/json')).body as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, unknown> };
    };
    const problem = (operation: Operation | undefined, status: string) =>
      operation?.responses[status]?.content?.['application/problem+json']?.schema?.$ref;
    for (const [path, method, statuses] of [
      ['/admin/delivery', 'get', ['200', '400', '401', '403']],
      ['/admin/delivery/pause', 'post', ['200', '400', '401', '403', '415']],
      ['/admin/delivery/resume', 'post', ['200', '401', '403']],
      ['/admin/config', 'get', ['200', '401', '403']],
    ] as const) {
      const operation = document.paths[path]?.[method];
      expect([path, operation?.security]).toEqual([path, [{ admin: [] }]]);
      for (const status of statuses) {
        const documented =
          status === '200'
            ? operation?.responses[status] !== undefined
            : problem(operation, status);
        expect([path, status, Boolean(documented)]).toEqual([path, status, true]);
      }
    }
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['DeliveryStatus', 'DeliveryOverview', 'BlockedSender']),
    );
  });

  (TEST_STORAGE_DRIVER === 'postgres' ? it : it.skip)(
    'shares the pause between two gateways on one database',
    async () => {
      const other = await startInProcessGateway({
        ...env,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'gateway-b-')),
      });
      extraGateways.push(other);
      expect((await call(gw, 'POST', '/admin/delivery/pause')).body.paused).toBe(true);
      // B hears of it by notification (or its next read within a second): wait for that.
      await waitFor('B to see the pause', async () =>
        (await call(other, 'GET', '/admin/delivery')).body.paused === true ? true : undefined,
      );
      expect((await call(other, 'GET', '/health/ready')).body.delivery).toMatchObject({
        paused: true,
        by: 'admin',
      });
      const sid = await acceptedAndHeld(other, '+14155550704');
      // A's worker holds back too (the message is on the shared store).
      await workerTurnsAfter(gw, Date.now());
      expect(await stored(other, sid)).toMatchObject({ state: 'pending', attempts: 0 });
      expect((await call(other, 'POST', '/admin/delivery/resume')).body.paused).toBe(false);
      await settledAs(other, sid, 'delivered');
      expect((await call(gw, 'GET', '/admin/delivery')).body.paused).toBe(false);
    },
  );
});
