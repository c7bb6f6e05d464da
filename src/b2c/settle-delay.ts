import { DeliveryError } from '../delivery/sink/message-sink.port';

/**
 * A B2C call whose answer was lost may still be running there: until `settleDelayMs` has passed
 * since it was sent, looking for what it made could miss it and make it twice. Throws a
 * retryable DeliveryError due when the wait ends. The time comes from the checkpoint, so the
 * wait is honoured across a restart too.
 */
export function assertSettled(
  attemptedAt: number,
  settleDelayMs: number,
  what: string,
  detail: Record<string, unknown>,
): void {
  const settledAt = attemptedAt + settleDelayMs;
  const now = Date.now();
  if (now >= settledAt) return;
  throw new DeliveryError(`an earlier ${what} may still be under way at B2C`, {
    retryable: true,
    detail,
    notBeforeMs: settledAt - now,
  });
}
