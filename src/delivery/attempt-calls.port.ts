import type { AttemptCall } from '../inbox/attempt-history';

/**
 * Where the worker hears of the calls an attempt makes, in the attempt's async context: the B2C
 * module provides it (its B2cCallEvents), so delivery needs nothing of B2C but this port.
 */
export interface AttemptCallSource {
  /** Returns a function that removes the listener. */
  on(listener: (call: AttemptCall) => void): () => void;
}

export const ATTEMPT_CALLS = Symbol('AttemptCalls');
