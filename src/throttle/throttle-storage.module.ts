import { Module } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { GatewayConfig } from '../config/gateway-config';
import { SecretsService } from '../secrets/secrets.service';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { connectThrottleRedis } from './throttle-redis.connection';
import { WindowCounterStorage } from './window-counter.storage';

export const THROTTLE_STORAGE = Symbol('ThrottleStorage');

/**
 * Where throttle counters live (`throttle.storage`): this process's memory, or Redis shared by
 * every instance. A provider of its own so that the Redis client is opened once at start-up (an
 * unreachable Redis stops start-up) and closed at shutdown.
 */
@Module({
  providers: [
    {
      provide: THROTTLE_STORAGE,
      inject: [GatewayConfig, SecretsService],
      useFactory: async (
        config: GatewayConfig,
        secrets: SecretsService,
      ): Promise<ThrottlerStorage> => {
        const { enabled, storage, redisUrl } = config.throttle;
        // Nothing is counted when throttling is off: no reason to need Redis then.
        if (!enabled || storage !== 'redis') return new WindowCounterStorage();
        const url = await secrets.resolve('throttle.redisUrl', redisUrl ?? '');
        return new RedisThrottlerStorage(await connectThrottleRedis(url));
      },
    },
  ],
  exports: [THROTTLE_STORAGE],
})
export class ThrottleStorageModule {}
