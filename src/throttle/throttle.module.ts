import { Module } from '@nestjs/common';
import {
  ThrottlerModule,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { rememberedClientOf } from '../allowlist/inbound/forwarded-client';
import { GatewayConfig } from '../config/gateway-config';
import { WebhookThrottlerGuard } from './webhook-throttler.guard';
import { THROTTLE_STORAGE, ThrottleStorageModule } from './throttle-storage.module';
import { vendorTracker } from './vendor-tracker';

/**
 * The client as the inbound allow guard (a global guard, so it runs first) read it: through
 * trusted proxies only, and a broken X-Forwarded-For chain is one shared unknown source. Should
 * that guard not have run, the socket's peer: never a forwarded address nobody checked.
 */
function sourceOf(request: Record<string, unknown>): string {
  const reading = rememberedClientOf(request as unknown as FastifyRequest);
  return reading ? (reading.client ?? '(unknown)') : String(request.ip);
}

/** The limits from `throttle.*`; exported so tests run the library's guard on these very options. */
export function webhookThrottlerOptions(
  config: GatewayConfig,
  storage: ThrottlerStorage,
): ThrottlerModuleOptions {
  return {
    // Rate headers on every webhook would only cost bytes; the 429 carries Retry-After.
    setHeaders: false,
    storage,
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
        getTracker: (request: Record<string, unknown>) => `source:${sourceOf(request)}`,
      },
      {
        name: 'vendor',
        ttl: config.throttle.windowMs,
        limit: config.throttle.perVendor,
        getTracker: (request: Record<string, unknown>) => {
          const name = (request as unknown as FastifyRequest<{ Params: { name?: string } }>).params
            ?.name;
          return vendorTracker(name);
        },
      },
    ],
  };
}

/**
 * Rate limits for webhooks, from `throttle.*`. Counters live where `throttle.storage` says: in
 * memory (each limit per instance) or in Redis (each limit across instances).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [ThrottleStorageModule],
      inject: [GatewayConfig, THROTTLE_STORAGE],
      useFactory: webhookThrottlerOptions,
    }),
  ],
  providers: [WebhookThrottlerGuard],
  exports: [WebhookThrottlerGuard, ThrottlerModule],
})
export class ThrottleModule {}
