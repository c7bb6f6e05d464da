import { Controller, Get, Headers, Logger, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AdminAuthenticator } from '../admin/admin-authenticator';
import { AdminUnauthorizedError } from '../common/problem/gateway-error';
import type { ReadinessReport, ReadinessStatus } from './readiness-report';
import { type InboxSummary, ReadinessService } from './readiness.service';

export type AdminReadiness = ReadinessReport & { inbox: InboxSummary };

/**
 * `/health/live`: the process and its event loop answer. `/health/ready`: whether to send this
 * gateway webhooks; anonymous callers (load balancers) get the status only, admins the details.
 * `/health` is the same answer as `/health/ready`, the path admins and monitors try first.
 * See README.md in this folder for what each status means and why a B2C outage is not "down".
 */
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly readiness: ReadinessService,
    private readonly admins: AdminAuthenticator,
  ) {}

  @Get('live')
  live(@Res({ passthrough: true }) reply: FastifyReply): { status: 'ok' } {
    void reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  }

  @Get(['', 'ready'])
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
