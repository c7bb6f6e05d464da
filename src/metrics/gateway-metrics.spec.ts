import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleValue } from '../../test/support/prometheus-text';
import { ProblemCode } from '../common/problem/gateway-error';
import { SqliteInboxStore } from '../inbox/drivers/sqlite/sqlite-inbox.store';
import type { InboundMessage } from '../messages/inbound-message';
import { GatewayMetrics } from './gateway-metrics';

function message(messageId: string): InboundMessage {
  return {
    vendor: 'twilio',
    messageId,
    kind: 'sms',
    from: '+14155552671',
    to: '+14155550100',
    text: `hello ${messageId}`,
    media: [],
    receivedAt: new Date(0).toISOString(),
    raw: { MessageSid: messageId },
  };
}

const openStore = () =>
  SqliteInboxStore.open({
    file: join(mkdtempSync(join(tmpdir(), 'metrics-inbox-')), 'inbox.sqlite'),
    groupCommitMaxBatch: 512,
    groupCommitWindowMs: 0,
  });

describe('GatewayMetrics (real SQLite inbox)', () => {
  let store: SqliteInboxStore;
  let metrics: GatewayMetrics;

  beforeEach(async () => {
    store = await openStore();
    metrics = new GatewayMetrics(store);
  });
  afterEach(async () => {
    await store.close();
  });

  it('renders the counters in the Prometheus text format with their labels', async () => {
    metrics.webhookAccepted('twilio', ['stored', 'duplicate', 'stored']);
    metrics.webhookAccepted('plivo', ['duplicate']);
    metrics.refused(ProblemCode.SignatureRejected, 401);
    metrics.refused(ProblemCode.SignatureRejected, 401);
    metrics.refused(ProblemCode.Throttled, 429);
    metrics.delivery('twilio', 'delivered');
    metrics.delivery('twilio', 'retry');
    metrics.delivery('twilio', 'retry');
    metrics.delivery('plivo', 'dead');

    const text = await metrics.metrics();
    expect(metrics.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(text).toContain('# TYPE gateway_webhook_messages_total counter');
    const series = {
      'gateway_webhook_messages_total{vendor="twilio",outcome="stored"}': 2,
      'gateway_webhook_messages_total{vendor="twilio",outcome="duplicate"}': 1,
      'gateway_webhook_messages_total{vendor="plivo",outcome="duplicate"}': 1,
      'gateway_webhook_messages_total{vendor="plivo",outcome="stored"}': undefined,
      'gateway_refusals_total{type="signature-rejected",status="401"}': 2,
      'gateway_refusals_total{type="throttled",status="429"}': 1,
      'gateway_deliveries_total{vendor="twilio",outcome="delivered"}': 1,
      'gateway_deliveries_total{vendor="twilio",outcome="retry"}': 2,
      'gateway_deliveries_total{vendor="plivo",outcome="dead"}': 1,
      'gateway_deliveries_total{vendor="twilio",outcome="skipped"}': undefined,
    };
    for (const [name, value] of Object.entries(series)) {
      expect([name, sampleValue(text, name)]).toEqual([name, value]);
    }
    // Node's own metrics come along.
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
  });

  it('keeps each instance to its own counts (several apps in one process)', async () => {
    const other = new GatewayMetrics(store);
    metrics.webhookAccepted('twilio', ['stored']);
    other.refused(ProblemCode.NotFound, 404);

    const mine = await metrics.metrics();
    const theirs = await other.metrics();
    expect(
      sampleValue(mine, 'gateway_webhook_messages_total{vendor="twilio",outcome="stored"}'),
    ).toBe(1);
    expect(
      sampleValue(theirs, 'gateway_webhook_messages_total{vendor="twilio",outcome="stored"}'),
    ).toBeUndefined();
    expect(sampleValue(theirs, 'gateway_refusals_total{type="not-found",status="404"}')).toBe(1);
    expect(
      sampleValue(mine, 'gateway_refusals_total{type="not-found",status="404"}'),
    ).toBeUndefined();
  });

  it('reads the inbox counts from the store at scrape time', async () => {
    const backlog = async () => {
      const text = await metrics.metrics();
      return Object.fromEntries(
        ['pending', 'delivered', 'skipped', 'dead'].map((state) => [
          state,
          sampleValue(text, `gateway_inbox_messages{state="${state}"}`),
        ]),
      );
    };
    expect(await backlog()).toEqual({ pending: 0, delivered: 0, skipped: 0, dead: 0 });

    await store.accept([message('SM1'), message('SM2')]);
    expect(await backlog()).toEqual({ pending: 2, delivered: 0, skipped: 0, dead: 0 });

    const [first] = await store.claim('gateway-a', 1, 30_000);
    await store.markDelivered(first.lease, 'delivered', { incidentId: 7 });
    expect(await backlog()).toEqual({ pending: 1, delivered: 1, skipped: 0, dead: 0 });
  });

  it('answers a scrape when the store cannot count, leaving the inbox gauge unset', async () => {
    await store.accept([message('SM1')]);
    metrics.refused(ProblemCode.StoreUnavailable, 503);
    expect(sampleValue(await metrics.metrics(), 'gateway_inbox_messages{state="pending"}')).toBe(1);

    await store.close();
    await expect(store.counts()).rejects.toThrow();
    const text = await metrics.metrics();
    // No stale backlog from the scrape before: a value would claim the store was read.
    expect(text).not.toMatch(/^gateway_inbox_messages\{/m);
    expect(text).toContain('# TYPE gateway_inbox_messages gauge');
    expect(sampleValue(text, 'gateway_refusals_total{type="store-unavailable",status="503"}')).toBe(
      1,
    );
  });

  it('observes accepted → incident latency in seconds, only when given', async () => {
    metrics.delivery('twilio', 'delivered', 1500);
    metrics.delivery('twilio', 'delivered', 40);
    // A reply sent as SMS, a retry: counted, not timed.
    metrics.delivery('twilio', 'delivered');
    metrics.delivery('twilio', 'retry');

    const text = await metrics.metrics();
    expect(text).toContain('# TYPE gateway_delivery_latency_seconds histogram');
    const series = {
      'gateway_delivery_latency_seconds_count{vendor="twilio"}': 2,
      'gateway_delivery_latency_seconds_sum{vendor="twilio"}': 1.54,
      'gateway_delivery_latency_seconds_bucket{le="0.05",vendor="twilio"}': 1,
      'gateway_delivery_latency_seconds_bucket{le="1",vendor="twilio"}': 1,
      'gateway_delivery_latency_seconds_bucket{le="2.5",vendor="twilio"}': 2,
      'gateway_delivery_latency_seconds_bucket{le="+Inf",vendor="twilio"}': 2,
      'gateway_deliveries_total{vendor="twilio",outcome="delivered"}': 3,
      'gateway_delivery_latency_seconds_count{vendor="plivo"}': undefined,
    };
    for (const [name, value] of Object.entries(series)) {
      expect([name, sampleValue(text, name)]).toEqual([name, value]);
    }
  });

  it("counts B2C's answers by method, status and o:errorCode, with bounded labels", async () => {
    metrics.b2cAnswered('get', 200);
    metrics.b2cAnswered('POST', 201);
    metrics.b2cAnswered('POST', 201);
    metrics.b2cAnswered('POST', 503, 'OSC-CREST-00035');
    metrics.b2cAnswered('POST', 400, 'OSC-CREST-00003');
    // No answer at all (timeout, refused by the outbound allowlist).
    metrics.b2cAnswered('GET', undefined);
    // A proxy's answer: neither its code nor an odd status may become a label of its own.
    metrics.b2cAnswered('GET', 502, 'upstream <b>down</b> +14155552671');
    metrics.b2cAnswered('GET', 1234);

    const text = await metrics.metrics();
    const series = {
      'gateway_b2c_responses_total{method="GET",status="200",error_code="none"}': 1,
      'gateway_b2c_responses_total{method="POST",status="201",error_code="none"}': 2,
      'gateway_b2c_responses_total{method="POST",status="503",error_code="OSC-CREST-00035"}': 1,
      'gateway_b2c_responses_total{method="POST",status="400",error_code="OSC-CREST-00003"}': 1,
      'gateway_b2c_responses_total{method="GET",status="none",error_code="none"}': 1,
      'gateway_b2c_responses_total{method="GET",status="502",error_code="other"}': 1,
      'gateway_b2c_responses_total{method="GET",status="other",error_code="none"}': 1,
    };
    for (const [name, value] of Object.entries(series)) {
      expect([name, sampleValue(text, name)]).toEqual([name, value]);
    }
    expect(text).not.toContain('+14155552671');
  });

  it('reads the oldest pending message’s age from the store at scrape time', async () => {
    const age = async () =>
      sampleValue(await metrics.metrics(), 'gateway_inbox_oldest_pending_age_seconds');
    expect(await age()).toBe(0);

    await store.accept([message('SM1')]);
    await store.accept([message('SM2')]);
    const first = (await store.get('twilio', 'SM1'))!;
    const now = jest.spyOn(Date, 'now').mockReturnValue(first.receivedAt + 90_000);
    try {
      expect(await age()).toBe(90);

      // Once the oldest is delivered, the next one in arrival order is the oldest.
      const second = (await store.get('twilio', 'SM2'))!;
      const [claimed] = await store.claim('gateway-a', 1, 30_000);
      expect(claimed.message.messageId).toBe('SM1');
      await store.markDelivered(claimed.lease, 'delivered', { incidentId: 7 });
      expect(await age()).toBeCloseTo((first.receivedAt + 90_000 - second.receivedAt) / 1000, 3);
    } finally {
      now.mockRestore();
    }

    await store.close();
    const text = await metrics.metrics();
    // No value: 0 would claim that nothing waits.
    expect(text).not.toMatch(/^gateway_inbox_oldest_pending_age_seconds /m);
    expect(text).toContain('# TYPE gateway_inbox_oldest_pending_age_seconds gauge');
  });
});
