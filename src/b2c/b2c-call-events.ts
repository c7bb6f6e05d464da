import { Injectable, Logger } from '@nestjs/common';

/**
 * One Connect REST call as it ended, for the attempt history and traces. The path has no query
 * string (ROQL queries hold phone numbers) and nothing of a body or a credential.
 */
export interface B2cCall {
  method: string;
  /** e.g. `/incidents/12`, relative to the Connect REST base URL. */
  path: string;
  /** Epoch ms the request was sent (after its turn in the flow control). */
  startedAt: number;
  durationMs: number;
  /** Undefined when no answer came (timeout, connection refused). */
  status?: number;
  /** Oracle's `o:errorCode` of an error answer, e.g. `OSC-CREST-00035`. */
  errorCode?: string;
}

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
