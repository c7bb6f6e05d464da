/**
 * The gateway's request rate towards B2C (`b2c.rateLimitPerSecond`). Oracle throttles a site's
 * public API per application (503 OSC-CREST-00035) from a share of database connections that
 * the site's administrator sets, so the operator states the rate the site can take and every
 * B2C call waits for its turn here instead of being refused there.
 *
 * One process for now; the Redis scale-out provides another implementation of this port under
 * the same token, so that every gateway process shares one limit.
 */
export interface B2cRateLimiter {
  /** Resolves when one more request may be sent to B2C. */
  acquire(): Promise<void>;
}

export const B2C_RATE_LIMITER = Symbol('B2cRateLimiter');

export type Sleep = (ms: number) => Promise<void>;

const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Token bucket in its virtual-scheduling form (GCRA): every caller is given the next free send
 * time at once and sleeps until then, so the rate holds however late a timer fires (a late
 * wake-up does not push later slots back) and waiting callers go in arrival order.
 *
 * After an idle period at most `burst` requests go out together; after that they are spaced
 * evenly, 1000 / ratePerSecond ms apart.
 */
export class TokenBucketRateLimiter implements B2cRateLimiter {
  private readonly intervalMs: number;
  /** How far ahead of the steady schedule a request may go: the bucket beyond one token. */
  private readonly toleranceMs: number;
  /** Theoretical arrival time of the next request on the steady schedule (epoch ms). */
  private nextSlot = -Infinity;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number = defaultBurst(ratePerSecond),
    private readonly now: () => number = Date.now,
    private readonly sleep: Sleep = realSleep,
  ) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
      throw new RangeError('ratePerSecond must be a positive finite number');
    }
    if (!Number.isInteger(burst) || burst < 1) throw new RangeError('burst must be an integer ≥ 1');
    this.intervalMs = 1000 / ratePerSecond;
    this.toleranceMs = (burst - 1) * this.intervalMs;
  }

  async acquire(): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await this.sleep(wait);
  }

  /** Takes the next send time and returns how long to wait for it, in ms. */
  reserve(): number {
    const now = this.now();
    const steady = Math.max(this.nextSlot, now);
    const sendAt = Math.max(now, steady - this.toleranceMs);
    this.nextSlot = steady + this.intervalMs;
    return sendAt - now;
  }
}

/** No limit configured (`b2c.rateLimitPerSecond: 0`). */
export class UnlimitedRateLimiter implements B2cRateLimiter {
  async acquire(): Promise<void> {}
}

/**
 * A bucket holding about 50 ms of requests (at least one): enough to absorb timer jitter
 * without letting a backlog go out as a burst that B2C would throttle.
 */
export function defaultBurst(ratePerSecond: number): number {
  return Math.max(1, Math.floor(ratePerSecond / 20));
}

/** The limiter for `b2c.rateLimitPerSecond` in this process; 0 means no limit. */
export function localB2cRateLimiter(ratePerSecond: number): B2cRateLimiter {
  return ratePerSecond > 0 ? new TokenBucketRateLimiter(ratePerSecond) : new UnlimitedRateLimiter();
}
