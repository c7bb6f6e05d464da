import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleValue } from '../../test/support/prometheus-text';
import { ProblemCode } from '../common/problem/gateway-error';
import { SqliteInboxStore } from '../inbox/drivers/sqlite/sqlite-inbox.store';
import type { InboundMessage } from '../vendors/inbound-message';
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
});
