import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { GatewayConfig } from '../config/gateway-config';
import { WebhookThrottlerGuard } from './webhook-throttler.guard';
import { WindowCounterStorage } from './window-counter.storage';

/** Routable vendor names; anything else shares one bucket, so made-up names add no keys. */
const VENDOR_NAME = /^[a-z0-9-]{1,64}$/;

/**
 * Rate limits for webhooks, from `throttle.*`. Counters live in memory, per process; the Redis
 * scale-out in DESIGN.md gives the throttler its Redis storage.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig) => ({
        // Rate headers on every webhook would only cost bytes; the 429 carries Retry-After.
        setHeaders: false,
        storage: new WindowCounterStorage(),
        // The tracker already names the throttler's dimension; the default key is a SHA-256 of
        // class, handler and tracker, computed twice per webhook for nothing.
        generateKey: (_context: unknown, tracker: string, throttler: string) =>
          `${throttler}|${tracker}`,
        skipIf: () => !config.throttle.enabled,
        throttlers: [
          {
            name: 'source',
            ttl: config.throttle.windowMs,
            limit: config.throttle.perSource,
            // request.ip honours X-Forwarded-For only from trusted proxies (app.factory.ts).
            getTracker: (request: Record<string, unknown>) => `source:${String(request.ip)}`,
          },
          {
            name: 'vendor',
            ttl: config.throttle.windowMs,
            limit: config.throttle.perVendor,
            getTracker: (request: Record<string, unknown>) => {
              const name = (request as unknown as FastifyRequest<{ Params: { name?: string } }>)
                .params?.name;
              return `vendor:${name && VENDOR_NAME.test(name) ? name : '(other)'}`;
            },
          },
        ],
      }),
    }),
  ],
  providers: [WebhookThrottlerGuard],
  exports: [WebhookThrottlerGuard, ThrottlerModule],
})
export class ThrottleModule {}
