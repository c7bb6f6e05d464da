import type { Logger } from '@nestjs/common';
import { Gauge, type Registry } from 'prom-client';
import type { InboxStore, MessageState } from '../inbox/inbox-store.port';

/**
 * The inbox's backlog, read from the store at scrape time rather than tracked: the store is the
 * truth, also across restarts and other processes sharing it. A scrape must not fail with the
 * store: when it cannot answer, a gauge has no value, since a stale one would claim it was read.
 */
export function registerInboxGauges(registry: Registry, store: InboxStore, logger: Logger): void {
  new Gauge({
    name: 'gateway_inbox_messages',
    help: 'Messages in the inbox by state, read from the store at scrape time.',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      try {
        const counts = await store.counts();
        for (const state of Object.keys(counts) as MessageState[]) {
          this.set({ state }, counts[state]);
        }
      } catch (error) {
        this.reset();
        logger.warn(`inbox counts unavailable for metrics: ${errorMessage(error)}`);
      }
    },
  });
  new Gauge({
    name: 'gateway_inbox_oldest_pending_age_seconds',
    help: 'Seconds since the oldest pending message was accepted (0 when none is pending).',
    registers: [registry],
    async collect() {
      try {
        this.set(await oldestPendingAgeSeconds(store, Date.now()));
      } catch (error) {
        // reset() would leave 0 on a gauge without labels, i.e. "nothing waits": remove the value.
        this.remove({});
        logger.warn(`oldest pending message unavailable for metrics: ${errorMessage(error)}`);
      }
    },
  });
}

/**
 * Seconds since the oldest pending message was accepted, 0 when none is pending (also read by
 * the alerts). The first pending message in arrival order is the oldest: one indexed row.
 */
export async function oldestPendingAgeSeconds(store: InboxStore, now: number): Promise<number> {
  const [oldest] = await store.list('pending', 1);
  return oldest ? Math.max(0, now - oldest.receivedAt) / 1000 : 0;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
