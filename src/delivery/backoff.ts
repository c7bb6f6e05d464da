/**
 * Delay before retry number `attempt` (1 = first retry): exponential, capped, with "equal
 * jitter" (half fixed, half random) so retries of many messages after one outage spread out
 * instead of arriving together, while never retrying almost at once. A pause the far side
 * asked for is a floor.
 */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
  floorMs = 0,
): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.max(Math.round(jittered), floorMs);
}
