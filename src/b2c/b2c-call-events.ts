import { Injectable, Logger } from '@nestjs/common';
import type { AttemptCall } from '../inbox/attempt-history';

/** One Connect REST call as it ended, in the shape the attempt history keeps (and traces read). */
export type B2cCall = AttemptCall;

export type B2cCallListener = (call: B2cCall) => void;

/**
 * Every B2C call, told to whoever listens (attempt history, traces), in the caller's async
 * context: a listener can tell which delivery made the call. Listeners must not throw; a
 * listener that does is logged and the call's outcome is unchanged.
 */
@Injectable()
export class B2cCallEvents {
  private readonly logger = new Logger(B2cCallEvents.name);
  private readonly listeners = new Set<B2cCallListener>();

  /** Returns a function that removes the listener. */
  on(listener: B2cCallListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(call: B2cCall): void {
    for (const listener of this.listeners) {
      try {
        listener(call);
      } catch (error) {
        this.logger.warn(`a B2C call listener failed: ${(error as Error).message}`);
      }
    }
  }
}
