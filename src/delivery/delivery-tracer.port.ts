import type { ClaimedMessage } from '../inbox/inbox-store.port';

/**
 * Wraps each delivery attempt (tracing): `run` is the whole attempt, its outcome recorded; the
 * tracer must call it once and return what it returns.
 */
export interface DeliveryTracer {
  trace(message: ClaimedMessage, run: () => Promise<void>): Promise<void>;
}

export const DELIVERY_TRACER = Symbol('DeliveryTracer');
