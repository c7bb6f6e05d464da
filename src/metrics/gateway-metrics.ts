import { Inject, Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ProblemCode } from '../common/problem/gateway-error';
import { type AcceptResult, INBOX_STORE, type InboxStore } from '../inbox/inbox-store.port';
import { b2cErrorCodeLabel, b2cStatusLabel } from './b2c-labels';
import { registerInboxGauges } from './inbox-gauges';
import { processMetrics } from './process-metrics';

export type WebhookOutcome = AcceptResult['outcomes'][number];
export type DeliveryOutcome = 'delivered' | 'skipped' | 'retry' | 'dead';

/**
 * Accepted → incident takes a B2C round trip or three when all is well (tens of milliseconds to
 * seconds), and minutes to hours while B2C is down and the worker backs off.
 */
export const DELIVERY_LATENCY_BUCKETS_SECONDS = [
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
  60,
  300,
  900,
  3600,
  6 * 3600,
  24 * 3600,
];

/**
 * The gateway's Prometheus metrics, in a registry of this app instance's own: tests start
 * several apps in one process, and prom-client's global registry would count them together (or
 * refuse the second app's metrics as duplicates).
 *
 * Labels are bounded: vendors are the enabled ones, types and outcomes are fixed lists. Message
 * ids, phone numbers, addresses and paths never become labels.
 */
@Injectable()
export class GatewayMetrics {
  private readonly registry = new Registry();
  private readonly logger = new Logger(GatewayMetrics.name);
  private readonly webhookMessages = new Counter({
    name: 'gateway_webhook_messages_total',
    help: 'Messages in accepted webhooks, by vendor and outcome (stored: new; duplicate: a retry).',
    labelNames: ['vendor', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly refusals = new Counter({
    name: 'gateway_refusals_total',
    help: 'problem+json answers sent, by problem type and HTTP status.',
    labelNames: ['type', 'status'] as const,
    registers: [this.registry],
  });
  private readonly deliveries = new Counter({
    name: 'gateway_deliveries_total',
    help: 'Delivery attempts to B2C, by vendor and outcome (delivered, skipped, retry, dead).',
    labelNames: ['vendor', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly deliveryLatency = new Histogram({
    name: 'gateway_delivery_latency_seconds',
    help: 'Seconds from a message accepted to its incident made (or joined) in B2C, by vendor.',
    labelNames: ['vendor'] as const,
    buckets: DELIVERY_LATENCY_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  private readonly b2cResponses = new Counter({
    name: 'gateway_b2c_responses_total',
    help:
      "B2C's answers to the gateway's calls, by method, HTTP status and o:errorCode " +
      '(status and error_code "none": no answer, e.g. a timeout).',
    labelNames: ['method', 'status', 'error_code'] as const,
    registers: [this.registry],
  });
  private readonly deliveryPausedGauge = new Gauge({
    name: 'gateway_delivery_paused',
    help: '1 while an admin has paused delivery (POST /admin/delivery/pause), else 0.',
    registers: [this.registry],
  });
  /**
   * Bound once per vendor: intake is benchmarked, and `labels()` allocates a bound function on
   * every call.
   */
  private readonly webhookCounters = new Map<string, Record<WebhookOutcome, Counter.Internal>>();
  /** What a scrape renders: this instance's registry and the process's shared one. */
  private readonly exposition: Registry;

  constructor(@Inject(INBOX_STORE) store: InboxStore) {
    registerInboxGauges(this.registry, store, this.logger);
    this.exposition = Registry.merge([this.registry, processMetrics()]);
  }

  get contentType(): string {
    return this.exposition.contentType;
  }

  /** The Prometheus text exposition. */
  metrics(): Promise<string> {
    return this.exposition.metrics();
  }

  webhookAccepted(vendor: string, outcomes: readonly WebhookOutcome[]): void {
    let counters = this.webhookCounters.get(vendor);
    if (!counters) {
      counters = {
        stored: this.webhookMessages.labels({ vendor, outcome: 'stored' }),
        duplicate: this.webhookMessages.labels({ vendor, outcome: 'duplicate' }),
      };
      this.webhookCounters.set(vendor, counters);
    }
    for (const outcome of outcomes) counters[outcome].inc();
  }

  refused(type: ProblemCode, status: number): void {
    this.refusals.inc({ type, status });
  }

  /**
   * One attempt's outcome. `latencyMs`, accepted → incident, is given with `delivered` for
   * inbound messages (not for agents' replies sent out as SMS, which never wait on an incident).
   */
  delivery(vendor: string, outcome: DeliveryOutcome, latencyMs?: number): void {
    this.deliveries.inc({ vendor, outcome });
    if (latencyMs !== undefined) {
      this.deliveryLatency.observe({ vendor }, Math.max(0, latencyMs) / 1000);
    }
  }

  /** The admin's delivery pause as this process knows it. */
  deliveryPaused(paused: boolean): void {
    this.deliveryPausedGauge.set(paused ? 1 : 0);
  }

  /**
   * One B2C call's answer: its HTTP status and B2C's `o:errorCode`; no status when none came
   * (timeout, lost connection, refused by the outbound allowlist).
   */
  b2cAnswered(method: string, status?: number, errorCode?: string): void {
    this.b2cResponses.inc({
      method: method.toUpperCase(),
      status: b2cStatusLabel(status),
      error_code: b2cErrorCodeLabel(status, errorCode),
    });
  }
}
