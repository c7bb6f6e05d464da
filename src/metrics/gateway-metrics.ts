import { Inject, Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import type { ProblemCode } from '../common/problem/gateway-error';
import {
  type AcceptResult,
  INBOX_STORE,
  type InboxStore,
  type MessageState,
} from '../inbox/inbox-store.port';
import { processMetrics } from './process-metrics';

export type WebhookOutcome = AcceptResult['outcomes'][number];
export type DeliveryOutcome = 'delivered' | 'skipped' | 'retry' | 'dead';

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
  /**
   * Bound once per vendor: intake is benchmarked, and `labels()` allocates a bound function on
   * every call.
   */
  private readonly webhookCounters = new Map<string, Record<WebhookOutcome, Counter.Internal>>();
  /** What a scrape renders: this instance's registry and the process's shared one. */
  private readonly exposition: Registry;

  constructor(@Inject(INBOX_STORE) store: InboxStore) {
    const logger = this.logger;
    new Gauge({
      name: 'gateway_inbox_messages',
      help: 'Messages in the inbox by state, read from the store at scrape time.',
      labelNames: ['state'] as const,
      registers: [this.registry],
      // Read at scrape time rather than tracked: the store is the truth, also across restarts
      // and other processes sharing it.
      async collect() {
        try {
          const counts = await store.counts();
          for (const state of Object.keys(counts) as MessageState[]) {
            this.set({ state }, counts[state]);
          }
        } catch (error) {
          // A scrape must not fail with the store: no value beats a stale one.
          this.reset();
          logger.warn(`inbox counts unavailable for metrics: ${errorMessage(error)}`);
        }
      },
    });
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

  delivery(vendor: string, outcome: DeliveryOutcome): void {
    this.deliveries.inc({ vendor, outcome });
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
