import { DeliveryWorker } from '../src/delivery/delivery-worker';
import { MetricsListener } from '../src/metrics/metrics-listener';
import {
  INCIDENT_REFUSED,
  nextSid,
  postSigned,
  settledAs,
  smsParams,
  startGatewayWithEmulator,
  type GatewayWithEmulator,
} from './support/gateway-fixture';
import { sampleValue } from './support/prometheus-text';
import { waitFor } from './support/wait-for';

const ADMIN_TOKEN = 'observability-admin-token-7c41d9';
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };
const PROBLEM_JSON = /^application\/problem\+json/;
const PROBLEM_REF = '#/components/schemas/Problem';

interface Operation {
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

const problemRef = (operation: Operation, status: string) =>
  operation.responses[status]?.content?.['application/problem+json']?.schema?.$ref;

async function expectAdminUnauthorized(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
  const body = (await response.json()) as { type: string };
  expect(body.type).toBe('urn:b2c-webhook-gateway:problem:admin-unauthorized');
}

describe('OpenAPI at /admin/api-docs (real gateway, admin.mode token)', () => {
  let gw: GatewayWithEmulator;

  beforeAll(async () => {
    gw = await startGatewayWithEmulator({ ADMIN_MODE: 'token', ADMIN_TOKEN });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it.each(['/admin/api-docs', '/admin/api-docs/json', '/admin/api-docs/swagger-ui-bundle.js'])(
    'refuses %s without admin credentials, and with wrong ones',
    async (path) => {
      await expectAdminUnauthorized(await fetch(gw.url + path));
      await expectAdminUnauthorized(
        await fetch(gw.url + path, { headers: { authorization: 'Bearer not-the-token' } }),
      );
    },
  );

  it('describes the webhook route and the admin routes, with problem+json refusals', async () => {
    const response = await fetch(`${gw.url}/admin/api-docs/json`, { headers: ADMIN });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const document = (await response.json()) as OpenApi;
    expect(document.openapi).toMatch(/^3\./);

    const webhook = document.paths['/vendors/{name}/webhook']?.post;
    expect(webhook).toBeDefined();
    for (const status of ['400', '401', '403', '404', '413', '415', '422', '429', '503']) {
      expect([status, problemRef(webhook, status)]).toEqual([status, PROBLEM_REF]);
    }
    expect(webhook.security ?? []).toEqual([]);

    const adminRoutes: [string, string][] = [
      ['/admin/whoami', 'get'],
      ['/admin/metrics', 'get'],
      ['/admin/references/{id}', 'get'],
      ['/admin/dead-letters', 'get'],
      ['/admin/dead-letters/replay', 'post'],
      ['/admin/dead-letters/{id}/replay', 'post'],
    ];
    for (const [path, method] of adminRoutes) {
      const operation = document.paths[path]?.[method];
      expect([path, operation?.security]).toEqual([path, [{ admin: [] }]]);
      expect([path, problemRef(operation, '401')]).toEqual([path, PROBLEM_REF]);
      expect([path, problemRef(operation, '403')]).toEqual([path, PROBLEM_REF]);
    }
    expect(problemRef(document.paths['/admin/dead-letters/{id}/replay'].post, '404')).toBe(
      PROBLEM_REF,
    );
    // Readiness answers anyone, admins in more detail: credentials optional.
    const readiness = document.paths['/health/ready']?.get.security ?? [];
    expect(readiness).toHaveLength(2);
    expect(readiness).toEqual(expect.arrayContaining([{}, { admin: [] }]));
    // The docs do not describe themselves.
    expect(Object.keys(document.paths).filter((path) => path.includes('api-docs'))).toEqual([]);
    expect(Object.keys(document.components.schemas.Problem.properties ?? {})).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'referenceId']),
    );
    expect(JSON.stringify(document)).not.toContain(ADMIN_TOKEN);
  });

  it("serves Swagger UI whose every asset loads from the gateway, under a CSP that allows only the gateway's own", async () => {
    const page = await fetch(`${gw.url}/admin/api-docs`, { headers: ADMIN });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    const html = await page.text();
    // Nothing inline that such a CSP would block.
    expect(html).not.toMatch(/<script>|<style|style=/);

    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(references.length).toBeGreaterThanOrEqual(4);
    const expectedTypes: [RegExp, RegExp][] = [
      [/\.js$/, /^text\/javascript/],
      [/\.css$/, /^text\/css/],
      [/\.png$/, /^image\/png/],
    ];
    for (const reference of references) {
      // Relative to the page: no CDN, no other origin.
      expect(reference).not.toMatch(/^(https?:)?\/\//);
      const asset = await fetch(new URL(reference, `${gw.url}/admin/api-docs`), {
        headers: ADMIN,
      });
      const type = expectedTypes.find(([name]) => name.test(reference))?.[1];
      expect([reference, asset.status]).toEqual([reference, 200]);
      expect([reference, asset.headers.get('content-type')]).toEqual([
        reference,
        expect.stringMatching(type ?? /^$/),
      ]);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    const init = await fetch(`${gw.url}/admin/api-docs/swagger-initializer.js`, {
      headers: ADMIN,
    });
    expect(await init.text()).toContain("url: 'api-docs/json'");

    // The page's CSP is its own: every other route keeps the API's.
    const other = await fetch(`${gw.url}/health/live`);
    expect(other.headers.get('content-security-policy')).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
  });

  it('serves only the UI files it lists', async () => {
    for (const path of [
      'package.json',
      'index.html',
      '..%2f..%2fpackage.json',
      'oauth2-redirect.html',
    ]) {
      const response = await fetch(`${gw.url}/admin/api-docs/${path}`, { headers: ADMIN });
      expect([path, response.status]).toEqual([path, 404]);
      expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
    }
  });
});

describe('metrics on their own listener, and the new metrics (real gateway and emulator)', () => {
  let gw: GatewayWithEmulator;
  let metricsUrl: string;
  let stopped = false;

  beforeAll(async () => {
    // The worker starts later: a message must wait first, for the oldest pending age.
    gw = await startGatewayWithEmulator({
      ADMIN_MODE: 'token',
      ADMIN_TOKEN,
      METRICS_PORT: '0',
      WORKER_ENABLED: 'false',
    });
    const address = gw.app.get(MetricsListener).address;
    expect(address?.address).toBe('127.0.0.1');
    metricsUrl = `http://127.0.0.1:${address?.port}/metrics`;
  });
  afterAll(async () => {
    if (!stopped) await gw?.stop();
  });

  const scrape = async () => {
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    return response.text();
  };

  it('serves the metrics without authentication, and nothing else', async () => {
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    for (const type of [
      '# TYPE gateway_webhook_messages_total counter',
      '# TYPE gateway_inbox_oldest_pending_age_seconds gauge',
      '# TYPE gateway_delivery_latency_seconds histogram',
      '# TYPE gateway_b2c_responses_total counter',
    ]) {
      expect(text).toContain(type);
    }
    expect((await fetch(metricsUrl.replace('/metrics', '/admin/whoami'))).status).toBe(404);
    // The gateway's own port still wants an admin for its copy.
    await expectAdminUnauthorized(await fetch(`${gw.url}/admin/metrics`));
  });

  it('shows how long the oldest pending message has waited', async () => {
    const sid = nextSid();
    expect((await postSigned(gw.url, smsParams(sid))).status).toBe(200);
    const age = await waitFor('a pending age above 0', async () => {
      const value = sampleValue(await scrape(), 'gateway_inbox_oldest_pending_age_seconds');
      return value !== undefined && value > 0 ? value : undefined;
    });
    expect(age).toBeLessThan(60);
    expect(
      sampleValue(await scrape(), 'gateway_delivery_latency_seconds_count{vendor="twilio"}'),
    ).toBeUndefined();

    gw.app.get(DeliveryWorker).start();
    await settledAs(gw, sid, 'delivered');
    const text = await waitFor('the delivery in the metrics', async () => {
      const scraped = await scrape();
      const count = sampleValue(scraped, 'gateway_delivery_latency_seconds_count{vendor="twilio"}');
      return count === 1 ? scraped : undefined;
    });
    expect(sampleValue(text, 'gateway_inbox_oldest_pending_age_seconds')).toBe(0);
    // Accepted → incident took at least the time the message waited for the worker.
    const sum = sampleValue(text, 'gateway_delivery_latency_seconds_sum{vendor="twilio"}') ?? 0;
    expect(sum).toBeGreaterThanOrEqual(age);
    expect(
      sampleValue(text, 'gateway_delivery_latency_seconds_bucket{le="+Inf",vendor="twilio"}'),
    ).toBe(1);
    // A contact lookup and the creates, as B2C answered them.
    expect(
      sampleValue(text, 'gateway_b2c_responses_total{method="GET",status="200",error_code="none"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(
        text,
        'gateway_b2c_responses_total{method="POST",status="201",error_code="none"}',
      ),
    ).toBeGreaterThanOrEqual(2);
  });

  it("counts B2C's refusals by status and o:errorCode", async () => {
    await gw.control.addFault({ ...INCIDENT_REFUSED, times: 1 });
    const sid = nextSid();
    expect((await postSigned(gw.url, smsParams(sid, { From: '+14155552672' }))).status).toBe(200);
    await settledAs(gw, sid, 'dead');
    const text = await scrape();
    expect(
      sampleValue(
        text,
        'gateway_b2c_responses_total{method="POST",status="400",error_code="OSC-CREST-00003"}',
      ),
    ).toBe(1);
    // A dead letter made no incident: no second latency sample.
    expect(sampleValue(text, 'gateway_delivery_latency_seconds_count{vendor="twilio"}')).toBe(1);
    expect(text).not.toContain(ADMIN_TOKEN);
  });

  it('closes the listener with the gateway', async () => {
    stopped = true;
    await gw.stop();
    await expect(fetch(metricsUrl)).rejects.toThrow();
  });
});

describe('defaults (no METRICS_PORT, no ADMIN_MODE)', () => {
  let gw: GatewayWithEmulator;

  beforeAll(async () => {
    gw = await startGatewayWithEmulator();
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('opens no metrics listener', () => {
    expect(gw.app.get(MetricsListener).address).toBeUndefined();
    expect(gw.logs.some((line) => String(line.msg).includes('metrics without'))).toBe(false);
  });

  it('keeps the API docs closed while admin authentication is disabled', async () => {
    await expectAdminUnauthorized(await fetch(`${gw.url}/admin/api-docs/json`));
    await expectAdminUnauthorized(await fetch(`${gw.url}/admin/api-docs`));
  });
});
