import type { INestApplication } from '@nestjs/common';
import { DeliveryWorker } from '../../src/delivery/delivery-worker';
import { waitFor } from './wait-for';

/**
 * Resolves once the delivery worker has begun a turn after this call and ended it (the next
 * turn began): whatever was due by the call has been claimed by then. The event that proves "the
 * worker had its chance and did nothing", instead of a sleep.
 */
export async function afterWorkerTurn(app: INestApplication, timeoutMs = 10_000): Promise<void> {
  const worker = app.get(DeliveryWorker);
  const since = Date.now();
  const started = await waitFor(
    'a delivery worker turn',
    () => (worker.lastTurnAt > since ? worker.lastTurnAt : undefined),
    timeoutMs,
    10,
  );
  await waitFor(
    'the delivery worker turn to end',
    () => (worker.lastTurnAt > started ? true : undefined),
    timeoutMs,
    10,
  );
}
