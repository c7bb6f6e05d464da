import type { EnabledVendor } from '../vendors/vendor-registry';
import type { Verification, WebhookRequest } from '../vendors/webhook-vendor';

/** What the guards learn about a webhook request, carried to the strategy and the handler. */
export interface WebhookContext {
  enabled: EnabledVendor;
  request: WebhookRequest;
  /** Set by the signature strategy once the vendor's verifier accepted the request. */
  verification?: Verification;
}

/** Declared on every request at start-up (decorateRequest) so requests keep one shape. */
export const WEBHOOK_CONTEXT_PROPERTY = 'webhook';

declare module 'fastify' {
  interface FastifyRequest {
    webhook: WebhookContext | null;
  }
}
