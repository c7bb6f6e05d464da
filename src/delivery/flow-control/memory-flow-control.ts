import { systemClock, type FlowClock } from './flow-clock';
import { PausableFlowControl } from './pausable-flow-control';
import { TokenBucketRateLimiter } from './token-bucket';

/** `storage.driver: sqlite`: one process, so the schedule and the pause live in its memory. */
export class MemoryB2cFlowControl extends PausableFlowControl {
  /** Undefined: no rate limit (`b2c.rateLimitPerSecond: 0`). */
  readonly bucket: TokenBucketRateLimiter | undefined;

  constructor(ratePerSecond: number, clock: FlowClock = systemClock, burst?: number) {
    super(clock, ratePerSecond > 0 ? 1000 / ratePerSecond : Number.POSITIVE_INFINITY);
    this.bucket =
      ratePerSecond > 0 ? new TokenBucketRateLimiter(ratePerSecond, burst, clock.now) : undefined;
  }

  protected async reserve(): Promise<number> {
    return this.clock.now() + (this.bucket?.reserve() ?? 0);
  }

  protected async sharePause(): Promise<void> {}

  protected async release(): Promise<void> {}
}
