import {
  nextSid,
  postSigned,
  smsParams,
  startGatewayWithEmulator,
  type GatewayWithEmulator,
} from './support/gateway-fixture';
import { sampleValue } from './support/prometheus-text';
import { waitFor } from './support/wait-for';

const ADMIN_TOKEN = 'metrics-admin-token-5b8e21';
const METRICS = '/admin/metrics';

const STORED = 'gateway_webhook_messages_total{vendor="twilio",outcome="stored"}';
const DUPLICATE = 'gateway_webhook_messages_total{vendor="twilio",outcome="duplicate"}';
const DELIVERED = 'gateway_deliveries_total{vendor="twilio",outcome="delivered"}';
const INBOX_DELIVERED = 'gateway_inbox_messages{state="delivered"}';
const SIGNATURE_REJECTED = 'gateway_refusals_total{type="signature-rejected",status="401"}';
const ADMIN_REFUSED = 'gateway_refusals_total{type="admin-unauthorized",status="401"}';

/**
 * One gateway for the whole file: the counters only go up, so each test below builds on the
 * counts the ones before it left.
 */
describe('GET /admin/metrics (real gateway, real B2C emulator, real SQLite inbox)', () => {
  let gw: GatewayWithEmulator;

  beforeAll(async () => {
    gw = await startGatewayWithEmulator({ ADMIN_MODE: 'token', ADMIN_TOKEN });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  const scrape = async () => {
    const response = await fetch(gw.url + METRICS, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    return response.text();
  };

  it('refuses anonymous callers with 401 problem+json', async () => {
    const response = await fetch(gw.url + METRICS);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const text = await response.text();
    expect((JSON.parse(text) as { type: string }).type).toBe(
      'urn:b2c-webhook-gateway:problem:admin-unauthorized',
    );
    expect(text).not.toContain('gateway_');
  });

  it('gives admins the Prometheus text format, not to be cached, without the token', async () => {
    const response = await fetch(gw.url + METRICS, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    for (const type of [
      '# TYPE gateway_webhook_messages_total counter',
      '# TYPE gateway_refusals_total counter',
      '# TYPE gateway_deliveries_total counter',
      '# TYPE gateway_inbox_messages gauge',
    ]) {
      expect(text).toContain(type);
    }
    // The anonymous call before was answered by the exception filter, so it was counted.
    expect(sampleValue(text, ADMIN_REFUSED)).toBe(1);
    expect(sampleValue(text, STORED)).toBeUndefined();
    expect(text).not.toContain(ADMIN_TOKEN);
  });

  it('counts a webhook and its retry, then its delivery and the inbox it leaves', async () => {
    const params = smsParams(nextSid());
    expect((await postSigned(gw.url, params)).status).toBe(200);
    expect((await postSigned(gw.url, params)).status).toBe(200);

    const text = await waitFor('the delivery in the metrics', async () => {
      const scraped = await scrape();
      return sampleValue(scraped, DELIVERED) === 1 ? scraped : undefined;
    });
    expect(sampleValue(text, STORED)).toBe(1);
    expect(sampleValue(text, DUPLICATE)).toBe(1);
    expect(sampleValue(text, INBOX_DELIVERED)).toBe(1);
    expect(sampleValue(text, 'gateway_inbox_messages{state="pending"}')).toBe(0);
    expect(await gw.control.incidents()).toHaveLength(1);
  });

  it('counts a webhook with a bad signature as a refusal, and stores nothing', async () => {
    const refused = await postSigned(gw.url, smsParams(nextSid()), { authToken: 'f'.repeat(32) });
    expect(refused.status).toBe(401);

    const text = await scrape();
    expect(sampleValue(text, SIGNATURE_REJECTED)).toBe(1);
    expect(sampleValue(text, STORED)).toBe(1);
    expect(text).not.toContain(ADMIN_TOKEN);
  });
});
