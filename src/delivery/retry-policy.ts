import { retryDelayMs } from './backoff';
import type { DeliveryFailure } from './sink/message-sink.port';

export interface RetrySettings {
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export type RetryDecision =
  { kind: 'retry'; attempts: number; delayMs: number } | { kind: 'dead'; attempts: number };

/**
 * What follows a failed attempt, as a pure function of the attempts made before it, the
 * failure and the settings: another attempt after a backoff (never sooner than a pause the far
 * side asked for, or than the failure's own floor), or the dead letters.
 */
export function decideAfterFailure(
  attemptsBefore: number,
  failure: Pick<DeliveryFailure, 'retryable' | 'pauseAllMs' | 'notBeforeMs'>,
  settings: RetrySettings,
  random: () => number = Math.random,
): RetryDecision {
  const attempts = attemptsBefore + 1;
  if (!failure.retryable || attempts >= settings.maxAttempts) return { kind: 'dead', attempts };
  const floor = Math.max(failure.pauseAllMs ?? 0, failure.notBeforeMs ?? 0);
  const delayMs = retryDelayMs(
    attempts,
    settings.backoffBaseMs,
    settings.backoffMaxMs,
    random,
    floor,
  );
  return { kind: 'retry', attempts, delayMs };
}
