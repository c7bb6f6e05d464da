import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminGuard } from '../admin/admin.guard';
import { ADMIN_SECURITY } from '../openapi/openapi-document';
import { ADMIN_PROBLEMS, ApiProblemResponses } from '../openapi/problem-responses.decorator';
import type { AdminReadiness } from './health.controller';
import { ReadinessSchema } from './health.openapi';
import { ReadinessService } from './readiness.service';

/**
 * Readiness with its details, as an admin route: the console's session cookie is scoped to
 * `/admin`, and `/health/ready` reads only a bearer token (a load balancer sends neither).
 */
@ApiTags('health')
@ApiBearerAuth(ADMIN_SECURITY)
@Controller('admin/health')
@UseGuards(AdminGuard)
export class AdminHealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get()
  @ApiOperation({ summary: 'Readiness with every check and the inbox, for admins' })
  @ApiOkResponse({ type: ReadinessSchema })
  @ApiProblemResponses(...ADMIN_PROBLEMS)
  async details(@Res({ passthrough: true }) reply: FastifyReply): Promise<AdminReadiness> {
    const report = await this.readiness.evaluate();
    void reply.header('cache-control', 'no-store');
    return { ...report, inbox: await this.readiness.inboxSummary() };
  }
}
