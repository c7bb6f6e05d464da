import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { rememberedClientOf } from '../allowlist/inbound/forwarded-client';
import { GatewayError, ProblemCode } from '../common/problem/gateway-error';

/**
 * `@nestjs/throttler` on the webhook route: one limit per vendor (all sources together) and one
 * per client address (ThrottleModule). A refusal is a 429 problem with a plain `Retry-After`
 * (the library would name it `Retry-After-<throttler>`, which no vendor reads).
 */
@Injectable()
export class WebhookThrottlerGuard extends ThrottlerGuard {
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
