import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { RateLimitedWarning } from '../common/logging/rate-limited-warning';
import { WindowCounterStorage } from './window-counter.storage';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** After a failed call, Redis is left alone this long: a hung server costs one timeout a second. */
const RETRY_REDIS_AFTER_MS = 1_000;

export interface RedisThrottlerStorageOptions {
  /** The shared counters; by default `@nest-lab/throttler-storage-redis` on `redis`. */
  shared?: ThrottlerStorage;
  clock?: () => number;
}

/**
 * Throttle counters in Redis, one count for every instance. Fails open: while Redis does not
 * answer, each instance counts in its own memory (every limit then applies per instance, as with
 * `memory` storage) rather than refusing webhooks. The throttle only protects intake; refusing
 * all webhooks because a cache is down would turn a Redis outage into a webhook outage, and the
 * inbox, not the throttle, is what must not lose a message.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('Throttle');
  /** Apart, so reconnection noise never hides the line saying webhooks are let through. */
  private readonly connectionErrors: RateLimitedWarning;
  private readonly failures: RateLimitedWarning;
  private readonly shared: ThrottlerStorage;
  private readonly local = new WindowCounterStorage();
  private readonly clock: () => number;
  private skipRedisUntil = 0;
  private degraded = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    options: RedisThrottlerStorageOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.connectionErrors = new RateLimitedWarning(this.logger, undefined, this.clock);
    this.failures = new RateLimitedWarning(this.logger, undefined, this.clock);
    this.shared = options.shared ?? new ThrottlerStorageRedisService(redis);
    // Without a listener ioredis prints every reconnection failure itself.
    redis.on('error', (error: Error) =>
      this.connectionErrors.warn(`Redis connection: ${error.message}`),
    );
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const now = this.clock();
    if (now >= this.skipRedisUntil) {
      try {
        const record = await this.shared.increment(key, ttl, limit, blockDuration, throttlerName);
        if (this.degraded) {
          this.degraded = false;
          this.logger.log('Redis answers again: throttle counts are shared again');
        }
        return record;
      } catch (error) {
        this.skipRedisUntil = now + RETRY_REDIS_AFTER_MS;
        this.degraded = true;
        this.failures.warn(
          `Redis unavailable (${error instanceof Error ? error.message : String(error)}): ` +
            'webhooks are let through, throttled per instance until it answers again',
        );
      }
    }
    return this.local.increment(key, ttl, limit, blockDuration);
  }

  /** After the HTTP server has closed, so requests still being answered could count. */
  onApplicationShutdown(): Promise<void> {
    // Called twice: this instance is both our provider and @nestjs/throttler's storage.
    this.closing ??= this.close();
    return this.closing;
  }

  private async close(): Promise<void> {
    if (this.redis.status === 'ready') {
      await this.redis.quit().catch(() => this.redis.disconnect());
    } else {
      this.redis.disconnect();
    }
  }
}
