import type { EnabledVendor } from './vendor-registry';
import type { WebhookRequest } from './webhook-vendor';

/** What the guards learn about a webhook request, carried to the strategy and the handler. */
export interface WebhookContext {
  enabled: EnabledVendor;
  request: WebhookRequest;
}

/** Declared on every request at start-up (decorateRequest) so requests keep one shape. */
export const WEBHOOK_CONTEXT_PROPERTY = 'webhook';

declare module 'fastify' {
  interface FastifyRequest {
    webhook: WebhookContext | null;
  }
}
