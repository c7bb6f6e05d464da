import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  Inject,
  Logger,
  Optional,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { rememberedClientOf } from '../allowlist/inbound/forwarded-client';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { GatewayError, ProblemCode } from '../common/problem/gateway-error';
import { problemType, toProblem } from '../common/problem/problem';
import { reasonOf, referenceIdFor } from '../common/problem/reference-id';
import { REFUSAL_LOG, type RefusalLog } from './refusal-log.port';

/** Seconds a vendor is asked to wait before retrying when the store cannot commit. */
const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * The one place errors become HTTP: `application/problem+json` with a stable `type`, a reference
 * id, the request id, and the path (never the query, which may carry tokens). Every refusal is
 * logged under the same reference id with the whole decision, so an admin given the id by a
 * vendor can find why it was turned away.
 *
 * Registered as APP_FILTER (ProblemModule) so that Nest injects its dependencies. Both are
 * optional: tests build it bare around a single guard, and an app without MetricsModule counts
 * nothing.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Refusal');

  constructor(
    @Optional() @Inject(REFUSAL_LOG) private readonly refusals?: RefusalLog,
    @Optional() private readonly metrics?: GatewayMetrics,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = toProblem(exception);
    const path = request.url.split('?', 1)[0];
    const referenceId = referenceIdFor(reasonOf(problem.code), request.id, new Date());
    const logged = {
      referenceId,
      requestId: request.id,
      method: request.method,
      path,
      status: problem.status,
      problem: problem.code,
      detail: problem.detail,
      // The client as the allow guard read it (X-Forwarded-For through trusted proxies); before
      // that guard ran, only the socket's peer is known.
      client: (rememberedClientOf(request) ?? { client: request.ip }).client,
      peer: request.socket?.remoteAddress,
      ...(exception instanceof GatewayError ? exception.logDetails : undefined),
    };
    this.refusals?.record(referenceId, logged);
    if (problem.code === ProblemCode.Internal) {
      this.logger.error({ ...logged, err: exception });
    } else {
      this.logger.warn(logged);
    }
    if (reply.sent) return;
    this.metrics?.refused(problem.code, problem.status);
    if (problem.code === ProblemCode.StoreUnavailable) {
      void reply.header('retry-after', String(STORE_RETRY_AFTER_SECONDS));
    }
    void reply
      .status(problem.status)
      .header('content-type', 'application/problem+json; charset=utf-8')
      .send(
        JSON.stringify({
          type: problemType(problem.code),
          title: problem.title,
          status: problem.status,
          detail: problem.detail,
          instance: path,
          referenceId,
          requestId: request.id,
          ...problem.extensions,
        }),
      );
  }
}
