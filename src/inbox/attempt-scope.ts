import { AsyncLocalStorage } from 'node:async_hooks';
import { type AttemptCall, CALLS_PER_ATTEMPT } from './attempt-history';

/**
 * The HTTP calls of one delivery attempt, collected as they end. Only the latest
 * CALLS_PER_ATTEMPT are kept (the last one is the one that failed, if any); earlier ones are
 * counted, so a long attempt costs bounded memory and a bounded history row.
 */
export class AttemptCalls {
  private readonly kept: AttemptCall[] = [];
  private dropped = 0;

  add(call: AttemptCall): void {
    // The same call told twice (two listeners on one event source) is kept once.
    if (this.kept[this.kept.length - 1] === call) return;
    this.kept.push(call);
    if (this.kept.length > CALLS_PER_ATTEMPT) {
      this.kept.shift();
      this.dropped += 1;
    }
  }

  get calls(): AttemptCall[] {
    return [...this.kept];
  }

  get omitted(): number {
    return this.dropped;
  }
}

/**
 * Which attempt the running code belongs to. The worker opens a scope around each attempt; a
 * call made in it (B2C's call events are told in the caller's async context, a vendor send is
 * recorded where it is made) lands in that attempt's calls, whatever else runs concurrently.
 */
const scope = new AsyncLocalStorage<AttemptCalls>();

export function inAttemptScope<T>(calls: AttemptCalls, run: () => Promise<T>): Promise<T> {
  return scope.run(calls, run);
}

/** Adds `call` to the attempt under way in this async context; outside any attempt, nothing. */
export function recordAttemptCall(call: AttemptCall): void {
  scope.getStore()?.add(call);
}
