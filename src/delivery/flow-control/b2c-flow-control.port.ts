import { DeliveryAbortedError } from '../sink/message-sink.port';
/**
 * Flow control towards B2C, shared by every gateway process on one store: the request rate
 * (`b2c.rateLimitPerSecond`) and the pause B2C asks for when it throttles (503 OSC-CREST-00035
 * with `osvc-crest-next-request-after`). Oracle throttles per application, not per process, so
 * both must hold for all the processes together.
 *
 * `storage.driver: sqlite` (one process) keeps them in memory; `postgres` in the
 * `b2c_flow_control` row, with a notification so that every process learns of a pause at once.
 */
export interface B2cFlowControl {
  /**
   * Resolves when one more request may be sent to B2C: any pause has ended and the request has
   * its turn under the rate limit. Waiting here is not part of the request: no timeout runs.
   * Rejects with B2cFlowControlClosedError once closed.
   */
  acquire(): Promise<void>;
  /** B2C asked every caller to wait until `untilMs` (epoch ms); a shorter pause changes nothing. */
  pause(untilMs: number): Promise<void>;
  /** The end of the latest pause this process knows of (epoch ms; 0 when none yet). */
  pausedUntil(): number;
  /** Stops listening; callers still waiting in acquire() are rejected. */
  close(): Promise<void>;
}

export const B2C_FLOW_CONTROL = Symbol('B2cFlowControl');

/** acquire() after close(), or while it waited: the gateway is stopping. */
export class B2cFlowControlClosedError extends DeliveryAbortedError {
  override name = 'B2cFlowControlClosedError';
  constructor() {
    super('B2C flow control is closed: the gateway is stopping');
  }
}
