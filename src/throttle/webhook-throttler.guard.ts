import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { rememberedClientOf } from '../allowlist/inbound/forwarded-client';
import { GatewayError, ProblemCode } from '../common/problem/gateway-error';

/**
 * `@nestjs/throttler` on the webhook route: one limit per vendor (all sources together) and one
 * per client address. A refusal is a 429 problem with a plain `Retry-After` (the library would
 * name it `Retry-After-<throttler>`, which no vendor reads).
 */
@Injectable()
export class WebhookThrottlerGuard extends ThrottlerGuard {
  /**
   * The base class looks up five decorator overrides per throttler on every request (ten
   * metadata reads per webhook). Nothing here uses @Throttle or @SkipThrottle: the limits come
   * from configuration (ThrottleModule), so each throttler's own settings are applied as they are.
   */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    for (const throttler of this.throttlers) {
      const skipIf = throttler.skipIf ?? this.commonOptions.skipIf;
      if (skipIf?.(context)) continue;
      // Limits are numbers from configuration; a function (never configured here) is awaited.
      const ttl = typeof throttler.ttl === 'number' ? throttler.ttl : await throttler.ttl(context);
      const limit =
        typeof throttler.limit === 'number' ? throttler.limit : await throttler.limit(context);
      const block = throttler.blockDuration ?? ttl;
      await this.handleRequest({
        context,
        throttler,
        ttl,
        limit,
        blockDuration: typeof block === 'number' ? block : await block(context),
        getTracker: throttler.getTracker ?? this.commonOptions.getTracker!,
        generateKey: throttler.generateKey ?? this.commonOptions.generateKey!,
      });
    }
    return true;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    void reply.header('retry-after', String(seconds));
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const error = new GatewayError(
      ProblemCode.Throttled,
      `too many requests; retry after ${seconds} s`,
    );
    error.logDetails = {
      throttle: { tracker: detail.tracker, limit: detail.limit, ttlMs: detail.ttl },
      client: rememberedClientOf(request)?.client,
    };
    return Promise.reject(error);
  }
}
