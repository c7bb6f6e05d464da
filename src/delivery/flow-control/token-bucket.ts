import { systemClock, type Sleep } from './flow-clock';
import { defaultBurst, gcraSendAt, gcraTiming, type GcraTiming } from './gcra';

/** The GCRA schedule (see gcra.ts) of one process, in memory. */
export class TokenBucketRateLimiter {
  private readonly timing: GcraTiming;
  /** Theoretical arrival time of the next request on the steady schedule (epoch ms). */
  private nextSlot = -Infinity;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number = defaultBurst(ratePerSecond),
    private readonly now: () => number = Date.now,
    private readonly sleep: Sleep = systemClock.sleep,
  ) {
    this.timing = gcraTiming(ratePerSecond, burst);
  }

  async acquire(): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await this.sleep(wait);
  }

  /** Takes the next send time and returns how long to wait for it, in ms. */
  reserve(): number {
    const now = this.now();
    this.nextSlot = Math.max(this.nextSlot, now) + this.timing.intervalMs;
    return gcraSendAt(this.timing, now, this.nextSlot) - now;
  }
}
