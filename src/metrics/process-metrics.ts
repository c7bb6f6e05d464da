import { collectDefaultMetrics, Registry } from 'prom-client';

let shared: Registry | undefined;

/**
 * Node's own metrics (CPU, memory, event loop lag, GC, handles), one registry per process.
 * `collectDefaultMetrics` starts an event-loop-delay monitor and a GC observer that prom-client
 * offers no way to stop: made per app instance, they would pile up with every start in one
 * process (tests start many). They describe the process, not an app, so every instance in the
 * process shows the same ones. Not prom-client's global registry, which other code may fill.
 */
export function processMetrics(): Registry {
  if (!shared) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
  }
  return shared;
}
