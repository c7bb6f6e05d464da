import { setTimeout as delay } from 'node:timers/promises';

/** A sleep that ends early, rejecting, when `signal` aborts (tests' fake sleeps may ignore it). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Time as flow control sees it; tests pass a clock that moves only when told to. */
export interface FlowClock {
  /** Epoch ms. */
  now: () => number;
  sleep: Sleep;
}

export const systemClock: FlowClock = {
  now: Date.now,
  sleep: async (ms, signal) => {
    await delay(ms, undefined, { signal });
  },
};
