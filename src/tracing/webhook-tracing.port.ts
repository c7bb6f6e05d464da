import type { FastifyRequest } from 'fastify';
import type { AcceptResult } from '../inbox/inbox-store.port';
import type { InboundMessage } from '../messages/inbound-message';

/**
 * What the webhook route tells the trace of a webhook (provided only while tracing is on; the
 * span itself starts and ends with the request).
 */
export interface WebhookTracing {
  /**
   * The messages as they are to be stored: each carries the webhook span's `traceparent`, so its
   * deliveries link back to this trace. Marks the start of the inbox commit.
   */
  beforeCommit(request: FastifyRequest, messages: readonly InboundMessage[]): InboundMessage[];
  /** The commit answered: what became of each message. */
  committed(request: FastifyRequest, outcomes: AcceptResult['outcomes']): void;
}

export const WEBHOOK_TRACING = Symbol('WebhookTracing');
