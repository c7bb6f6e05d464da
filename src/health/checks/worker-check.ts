import type { GatewayConfig } from '../../config/gateway-config';
import type { DeliveryWorker } from '../../delivery/delivery-worker';
import type { CheckReport } from '../readiness-report';

/**
 * The delivery loop is turning. It wakes at least every poll interval; a turn can wait for one
 * B2C call, so a last turn older than that is a stuck loop. Critical: accepted webhooks would
 * pile up undelivered. Off (`worker.enabled: false`, intake only) counts as up.
 */
export function workerCheck(
  worker: Pick<DeliveryWorker, 'isRunning' | 'lastTurnAt'>,
  config: Pick<GatewayConfig, 'worker' | 'b2c'>,
  now: number,
): CheckReport {
  if (!config.worker.enabled) return { state: 'up', critical: true, latencyMs: 0, enabled: false };
  const staleAfterMs = config.worker.pollIntervalMs * 3 + config.b2c.timeoutMs;
  const lastTurnAgoMs = now - worker.lastTurnAt;
  const turning = worker.isRunning && lastTurnAgoMs <= staleAfterMs;
  return {
    state: turning ? 'up' : 'down',
    critical: true,
    latencyMs: 0,
    enabled: true,
    running: worker.isRunning,
    lastTurnAgoMs,
    ...(turning ? {} : { reason: `no loop turn within ${staleAfterMs} ms` }),
  };
}
