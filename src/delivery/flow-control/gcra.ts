/**
 * The token bucket in its virtual-scheduling form (GCRA), shared by the in-memory and the
 * PostgreSQL flow control: every caller is given the next free send time at once and sleeps
 * until then, so the rate holds however late a timer fires (a late wake-up does not push later
 * slots back) and waiting callers go in arrival order.
 *
 * After an idle period at most `burst` requests go out together; after that they are spaced
 * evenly, 1000 / ratePerSecond ms apart.
 */
export interface GcraTiming {
  ratePerSecond: number;
  burst: number;
  /** Between two requests on the steady schedule. */
  intervalMs: number;
  /** How far ahead of the steady schedule a request may go: the bucket beyond one token. */
  toleranceMs: number;
}

export function gcraTiming(
  ratePerSecond: number,
  burst: number = defaultBurst(ratePerSecond),
): GcraTiming {
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
    throw new RangeError('ratePerSecond must be a positive finite number');
  }
  if (!Number.isInteger(burst) || burst < 1) throw new RangeError('burst must be an integer ≥ 1');
  const intervalMs = 1000 / ratePerSecond;
  return { ratePerSecond, burst, intervalMs, toleranceMs: (burst - 1) * intervalMs };
}

/**
 * When a request reserved at `now` may be sent, given the steady schedule's next slot after the
 * reservation (`nextSlot`, already moved on by one interval).
 */
export function gcraSendAt(timing: GcraTiming, now: number, nextSlot: number): number {
  return Math.max(now, nextSlot - timing.intervalMs - timing.toleranceMs);
}

/**
 * A bucket holding about 50 ms of requests (at least one): enough to absorb timer jitter
 * without letting a backlog go out as a burst that B2C would throttle.
 */
export function defaultBurst(ratePerSecond: number): number {
  return Math.max(1, Math.floor(ratePerSecond / 20));
}
