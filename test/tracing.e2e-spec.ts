import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DELIVERY_TRACER } from '../src/delivery/delivery-tracer.port';
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
import { runGatewayUntilExit } from './support/gateway-process';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway';
import { type CollectedSpan, OtlpCollector } from './support/otlp-collector';
import { waitFor } from './support/wait-for';
import type { RunningEmulator } from '../src/emulators/b2c-service/emulator';
import type { EmulatorControl } from '../src/emulators/b2c-service/emulator-control';

const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;
const STATUS_ERROR = 2;

const SENDER = '+14155552671';
const TEXT = 'My order has not arrived';
/** The export header's value: must reach the collector and nothing else. */
const COLLECTOR_KEY = 'collector-key-5b1e9f';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** A caller's trace context, as a vendor (or a proxy in front of the gateway) would send it. */
function incomingTrace() {
  const traceId = hex(16);
  const spanId = hex(8);
  return { traceId, spanId, header: `00-${traceId}-${spanId}-01` };
}

function withTraceparent(header: string) {
  return {
    mutate: (request: { headers: Record<string, string> }) => {
      request.headers.traceparent = header;
    },
  };
}

/** Real gateway + real B2C emulator + a real collector on loopback, listed as allowed. */
describe('OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  let collector: OtlpCollector;
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let gw: InProcessGateway;

  beforeAll(async () => {
    collector = await OtlpCollector.start();
    ({ emulator, control } = await startTestEmulator());
    gw = await startInProcessGateway(
      gatewayEnv({
        emulatorUrl: emulator.url,
        twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
        extra: {
          ...allowOutbound([emulator.url, collector.url]),
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          OTEL_EXPORTER_OTLP_HEADERS: `x-api-key=${COLLECTOR_KEY}`,
          OTEL_BSP_SCHEDULE_DELAY: '50',
          WORKER_MAX_ATTEMPTS: '5',
          // A 502 on a create leaves its outcome unknown: the retry waits this long first.
          B2C_SETTLE_DELAY_MS: '100',
        },
      }),
    );
  });
  afterAll(async () => {
    await gw?.close();
    await emulator?.close();
    await collector?.close();
  });
  beforeEach(async () => {
    await control.reset();
  });

  const spansWhere = (what: string, match: (span: CollectedSpan) => boolean, count = 1) =>
    waitFor(what, () => {
      const found = collector.spans().filter(match);
      return found.length >= count ? found : undefined;
    });
  const webhookSpan = async (traceId: string) => {
    const [span] = await spansWhere(
      `the webhook span of trace ${traceId}`,
      (s) => s.traceId === traceId && s.kind === SERVER,
    );
    return span;
  };
  const deliverySpans = (webhook: CollectedSpan, count = 1) =>
    spansWhere(
      `${count} delivery span(s) linked to ${webhook.spanId}`,
      (s) => s.kind === CONSUMER && s.links.some((l) => l.spanId === webhook.spanId),
      count,
    );
  const childrenOf = (parent: CollectedSpan) =>
    collector.spans().filter((s) => s.parentSpanId === parent.spanId);
  /** B2C call spans end before their delivery span, so they are exported with or before it. */
  const b2cCalls = (delivery: CollectedSpan) =>
    childrenOf(delivery)
      .filter((s) => s.kind === CLIENT)
      .sort((a, b) => a.startMs - b.startMs);

  it('traces a webhook under its caller’s trace, and its delivery with a span per B2C call, linked to it', async () => {
    const caller = incomingTrace();
    const messageSid = nextSid();
    const response = await postSigned(
      gw.url,
      smsParams(messageSid),
      withTraceparent(caller.header),
    );
    expect(response.status).toBe(200);
    const stored = await settledAs(gw, messageSid, 'delivered');

    const webhook = await webhookSpan(caller.traceId);
    expect(webhook).toMatchObject({
      name: 'webhook twilio',
      parentSpanId: caller.spanId,
      attributes: {
        'gateway.vendor': 'twilio',
        'gateway.messages': 1,
        'gateway.webhook.outcome': 'stored',
        'http.response.status_code': 200,
        'http.route': '/vendors/:name/webhook',
      },
    });
    expect(webhook.resource['service.name']).toBe('b2c-webhook-gateway');
    // The commit took part of the webhook's time.
    const commitMs = Number(webhook.attributes['gateway.inbox.commit_ms']);
    expect(commitMs).toBeGreaterThanOrEqual(0);
    expect(commitMs).toBeLessThanOrEqual(webhook.endMs - webhook.startMs);
    // What links the delivery to it is stored with the message, on either driver.
    expect(stored.message.traceparent).toBe(`00-${caller.traceId}-${webhook.spanId}-01`);

    const [delivery] = await deliverySpans(webhook);
    expect(delivery.traceId).not.toBe(caller.traceId);
    expect(delivery.parentSpanId).toBeUndefined();
    expect(delivery).toMatchObject({
      name: 'deliver twilio',
      links: [{ traceId: caller.traceId, spanId: webhook.spanId }],
      attributes: {
        'gateway.vendor': 'twilio',
        'gateway.message.seq': stored.seq,
        'gateway.delivery.attempt': 1,
        'gateway.delivery.outcome': 'delivered',
      },
    });
    expect(
      b2cCalls(delivery).map((s) => [
        s.name,
        s.attributes['http.request.method'],
        s.attributes['url.path'],
        s.attributes['http.response.status_code'],
      ]),
    ).toEqual([
      ['GET /contacts', 'GET', '/contacts', 200],
      ['POST /contacts', 'POST', '/contacts', 201],
      ['POST /incidents', 'POST', '/incidents', 201],
    ]);
    for (const call of b2cCalls(delivery)) {
      expect(call.traceId).toBe(delivery.traceId);
      expect(call.startMs).toBeGreaterThanOrEqual(delivery.startMs);
      expect(call.endMs).toBeLessThanOrEqual(delivery.endMs);
    }

    // Through the outbound guard to /v1/traces, with the configured header.
    for (const request of collector.requests) {
      expect(request.path).toBe('/v1/traces');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['x-api-key']).toBe(COLLECTOR_KEY);
    }
    // Nothing of the sender, the text or the collector's key in anything exported or logged.
    const exported = collector.requests.map((r) => r.body).join('\n');
    for (const secret of [SENDER, SENDER.slice(2), TEXT, COLLECTOR_KEY]) {
      expect(exported).not.toContain(secret);
    }
    expect(JSON.stringify(gw.logs)).not.toContain(COLLECTOR_KEY);
  });

  it('gives a vendor’s retry a span of its own, marked duplicate, and no second delivery', async () => {
    const first = incomingTrace();
    const retry = incomingTrace();
    const messageSid = nextSid();
    await postSigned(gw.url, smsParams(messageSid), withTraceparent(first.header));
    expect(
      (await postSigned(gw.url, smsParams(messageSid), withTraceparent(retry.header))).status,
    ).toBe(200);
    const stored = await settledAs(gw, messageSid, 'delivered');

    const original = await webhookSpan(first.traceId);
    const duplicate = await webhookSpan(retry.traceId);
    expect(original.attributes['gateway.webhook.outcome']).toBe('stored');
    expect(duplicate.attributes).toMatchObject({
      'gateway.webhook.outcome': 'duplicate',
      'gateway.messages.duplicate': 1,
    });
    // The message keeps the first webhook's context.
    expect(stored.message.traceparent).toBe(`00-${first.traceId}-${original.spanId}-01`);
    await deliverySpans(original);
    expect(
      collector.spans().filter((s) => s.attributes['gateway.message.seq'] === stored.seq),
    ).toHaveLength(1);
    expect(
      collector.spans().filter((s) => s.links.some((l) => l.spanId === duplicate.spanId)),
    ).toHaveLength(0);
  });

  it('traces a refused webhook as refused, with its status', async () => {
    const caller = incomingTrace();
    const response = await postSigned(gw.url, smsParams(nextSid()), {
      authToken: 'not-the-token',
      ...withTraceparent(caller.header),
    });
    expect(response.status).toBe(401);
    const webhook = await webhookSpan(caller.traceId);
    expect(webhook.attributes).toMatchObject({
      'gateway.vendor': 'twilio',
      'gateway.webhook.outcome': 'refused',
      'http.response.status_code': 401,
    });
    expect(webhook.attributes['gateway.messages']).toBeUndefined();
  });

  it('gives every attempt a span of its own, each linked to the webhook', async () => {
    await control.addFault({ method: 'POST', pathPattern: '^/incidents$', status: 502, times: 2 });
    const caller = incomingTrace();
    const messageSid = nextSid();
    await postSigned(gw.url, smsParams(messageSid), withTraceparent(caller.header));
    const stored = await settledAs(gw, messageSid, 'delivered');
    // Failed attempts are counted: two, then the third delivers.
    expect(stored.attempts).toBe(2);

    const webhook = await webhookSpan(caller.traceId);
    const attempts = (await deliverySpans(webhook, 3)).sort(
      (a, b) =>
        Number(a.attributes['gateway.delivery.attempt']) -
        Number(b.attributes['gateway.delivery.attempt']),
    );
    expect(
      attempts.map((a) => [
        a.attributes['gateway.delivery.attempt'],
        a.attributes['gateway.delivery.outcome'],
        a.statusCode,
      ]),
    ).toEqual([
      [1, 'retry', STATUS_ERROR],
      [2, 'retry', STATUS_ERROR],
      [3, 'delivered', 0],
    ]);
    expect(new Set(attempts.map((a) => a.traceId)).size).toBe(3);
    const failedCreate = b2cCalls(attempts[0]).find((s) => s.name === 'POST /incidents');
    expect(failedCreate).toMatchObject({
      statusCode: STATUS_ERROR,
      attributes: { 'http.response.status_code': 502 },
    });
  });

  it('marks a B2C refusal on its call span with Oracle’s error code', async () => {
    await control.addFault(INCIDENT_REFUSED);
    const caller = incomingTrace();
    const messageSid = nextSid();
    await postSigned(gw.url, smsParams(messageSid), withTraceparent(caller.header));
    await settledAs(gw, messageSid, 'dead');

    const webhook = await webhookSpan(caller.traceId);
    const [delivery] = await deliverySpans(webhook);
    expect(delivery.attributes['gateway.delivery.outcome']).toBe('dead');
    expect(delivery.statusCode).toBe(STATUS_ERROR);
    const refused = b2cCalls(delivery).find((s) => s.name === 'POST /incidents');
    expect(refused).toMatchObject({
      statusCode: STATUS_ERROR,
      attributes: {
        'http.request.method': 'POST',
        'url.path': '/incidents',
        'http.response.status_code': 400,
        'b2c.error_code': 'OSC-CREST-00003',
        'error.type': 'OSC-CREST-00003',
      },
    });
  });

  it('goes on taking and delivering webhooks while the collector fails, saying so once', async () => {
    const said = (text: string) => gw.logs.filter((line) => String(line.msg).includes(text));
    const failedExports = () => collector.requests.filter((r) => r.status === 503).length;
    const linesBefore = said('trace export to').length;
    collector.status = 503;
    try {
      // One webhook at a time, each waiting for its own failed export: several batches fail.
      for (let batch = 1; batch <= 2; batch += 1) {
        const sid = nextSid();
        expect((await postSigned(gw.url, smsParams(sid))).status).toBe(200);
        await settledAs(gw, sid, 'delivered');
        await waitFor(`failed export ${batch}`, () =>
          failedExports() >= batch ? true : undefined,
        );
      }
      expect(said('failed (the collector answered 503)')).toHaveLength(1);
      expect(said('trace export to').length - linesBefore).toBe(1);
    } finally {
      collector.status = 200;
    }
    const messageSid = nextSid();
    await postSigned(gw.url, smsParams(messageSid));
    await settledAs(gw, messageSid, 'delivered');
    await waitFor('exports to be said to work again', () =>
      said('works again').length > 0 ? true : undefined,
    );
  });

  it('starts a trace of its own for a webhook without a traceparent', async () => {
    const messageSid = nextSid();
    await postSigned(gw.url, smsParams(messageSid));
    const stored = await settledAs(gw, messageSid, 'delivered');
    const [, traceId, spanId] = stored.message.traceparent!.split('-');
    const [webhook] = await spansWhere('the webhook span', (s) => s.spanId === spanId);
    expect(webhook.traceId).toBe(traceId);
    expect(webhook.parentSpanId).toBeUndefined();
    await deliverySpans(webhook);
  });
});

describe('OpenTelemetry traces, on shutdown', () => {
  it('sends the spans still queued before the gateway stops', async () => {
    const collector = await OtlpCollector.start();
    const { emulator } = await startTestEmulator();
    const gw = await startInProcessGateway(
      gatewayEnv({
        emulatorUrl: emulator.url,
        twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
        extra: {
          ...allowOutbound([emulator.url, collector.url]),
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          // Far longer than the test: only the shutdown can send these spans.
          OTEL_BSP_SCHEDULE_DELAY: '60000',
        },
      }),
    );
    try {
      const caller = incomingTrace();
      const messageSid = nextSid();
      await postSigned(gw.url, smsParams(messageSid), withTraceparent(caller.header));
      await settledAs(gw, messageSid, 'delivered');
      expect(collector.requests).toHaveLength(0);
    } finally {
      await gw.close();
      await emulator.close();
    }
    const spans = collector.spans();
    await collector.close();
    expect(spans.map((s) => s.name).sort()).toEqual([
      'GET /contacts',
      'POST /contacts',
      'POST /incidents',
      'deliver twilio',
      'webhook twilio',
    ]);
  });
});

describe('OpenTelemetry traces, off by default', () => {
  it('creates no span, stores no traceparent and provides no delivery tracer', async () => {
    const collector = await OtlpCollector.start();
    const { emulator, control } = await startTestEmulator();
    // The collector is even listed: only OTEL_EXPORTER_OTLP_ENDPOINT switches tracing on.
    const gw = await startInProcessGateway(
      gatewayEnv({
        emulatorUrl: emulator.url,
        twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
        extra: allowOutbound([emulator.url, collector.url]),
      }),
    );
    try {
      const messageSid = nextSid();
      const response = await postSigned(
        gw.url,
        smsParams(messageSid),
        withTraceparent(incomingTrace().header),
      );
      expect(response.status).toBe(200);
      const stored = await settledAs(gw, messageSid, 'delivered');
      expect(stored.message.traceparent).toBeUndefined();
      expect(await control.incidents()).toHaveLength(1);
      expect(() => gw.app.get<unknown>(DELIVERY_TRACER, { strict: false })).toThrow();
      expect(collector.requests).toHaveLength(0);
    } finally {
      await gw.close();
      await emulator.close();
      await collector.close();
    }
  });
});

describe('OpenTelemetry traces, start-up', () => {
  it('refuses a collector that is not on the outbound allowlist, naming the setting', async () => {
    const { code, output } = await runGatewayUntilExit({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'tracing-')),
      B2C_URL: 'https://site.example.com',
      B2C_USERNAME: 'integration',
      B2C_PASSWORD: 'hunter2-do-not-log',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example.com',
      OTEL_EXPORTER_OTLP_HEADERS: `x-api-key=${COLLECTOR_KEY}`,
      ALLOWLIST_OUTBOUND_TARGETS: 'site.example.com',
    });
    expect(code).toBe(1);
    expect(output).toContain(
      'tracing.endpoint (OTEL_EXPORTER_OTLP_ENDPOINT): https://collector.example.com/v1/traces',
    );
    expect(output).toContain('is not an allowed outbound target');
    expect(output).not.toContain(COLLECTOR_KEY);
  });
});
