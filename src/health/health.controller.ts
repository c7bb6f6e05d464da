import { Controller, Get, Headers, Logger, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AdminAuthenticator } from '../admin/admin-authenticator';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AdminUnauthorizedError } from '../common/problem/gateway-error';
import { ADMIN_SECURITY } from '../openapi/openapi-document';
import { ANY_ROUTE_PROBLEMS, ApiProblemResponses } from '../openapi/problem-responses.decorator';
import { LivenessSchema, ReadinessSchema } from './health.openapi';
import type { ReadinessReport, ReadinessStatus } from './readiness-report';
import { type InboxSummary, ReadinessService } from './readiness.service';

export type AdminReadiness = ReadinessReport & { inbox: InboxSummary };

/**
 * `/health/live`: the process and its event loop answer. `/health/ready`: whether to send this
 * gateway webhooks; anonymous callers (load balancers) get the status only, admins the details.
 * `/health` is the same answer as `/health/ready`, the path admins and monitors try first.
 * See README.md in this folder for what each status means and why a B2C outage is not "down".
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly readiness: ReadinessService,
    private readonly admins: AdminAuthenticator,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process and its event loop answer' })
  @ApiOkResponse({ type: LivenessSchema })
  @ApiProblemResponses(...ANY_ROUTE_PROBLEMS)
  live(@Res({ passthrough: true }) reply: FastifyReply): { status: 'ok' } {
    void reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  }

  @Get(['', 'ready'])
  @ApiOperation({
    summary: 'Whether to send this gateway webhooks',
    description:
      'Status only for anonymous callers; with admin credentials, the checks and the inbox. ' +
      'Refused credentials get the anonymous answer, not a 401.',
  })
  // Optional ({}: no credentials): anonymous callers are answered too.
  @ApiSecurity({})
  @ApiBearerAuth(ADMIN_SECURITY)
  @ApiOkResponse({ type: ReadinessSchema, description: '`ok` or `degraded`' })
  @ApiServiceUnavailableResponse({ type: ReadinessSchema, description: '`down`' })
  @ApiProblemResponses(...ANY_ROUTE_PROBLEMS)
  async ready(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ status: ReadinessStatus } | AdminReadiness> {
    const [report, admin] = await Promise.all([
      this.readiness.evaluate(),
      this.isAdmin(authorization),
    ]);
    void reply.status(report.status === 'down' ? 503 : 200).header('cache-control', 'no-store');
    if (!admin) return { status: report.status };
    return { ...report, inbox: await this.readiness.inboxSummary() };
  }

  /**
   * Refused or missing credentials get the anonymous answer rather than a 401: a load balancer
   * must get its status whatever headers it sends. An admin who sees only `status` can check
   * the credentials at `/admin/whoami`, which says what is wrong with them.
   */
  private async isAdmin(authorization: string | undefined): Promise<boolean> {
    if (authorization === undefined || authorization === '') return false;
    try {
      await this.admins.authenticate(authorization);
      return true;
    } catch (error) {
      if (!(error instanceof AdminUnauthorizedError)) {
        this.logger.warn(`admin check for readiness details failed: ${String(error)}`);
      }
      return false;
    }
  }
}
