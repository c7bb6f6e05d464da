import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../admin/admin.guard';
import { ADMIN_SECURITY } from '../openapi/openapi-document';
import { ADMIN_PROBLEMS, ApiProblemResponses } from '../openapi/problem-responses.decorator';
import { GatewayMetrics } from './gateway-metrics';

/**
 * `GET /admin/metrics`: Prometheus text format. Admins only: vendor names and refusal counts
 * tell an outsider which vendors are enabled and what is being tried.
 */
@ApiTags('admin')
@ApiBearerAuth(ADMIN_SECURITY)
@Controller('admin')
@UseGuards(AdminGuard)
export class MetricsController {
  constructor(private readonly metrics: GatewayMetrics) {}

  @Get('metrics')
  @ApiOperation({
    summary: 'Prometheus metrics (text format 0.0.4)',
    description: 'Also on `metrics.port` without authentication, when that listener is on.',
  })
  @ApiProduces('text/plain; version=0.0.4; charset=utf-8')
  @ApiOkResponse({
    description: 'The Prometheus text exposition; never cached.',
    content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } },
  })
  @ApiProblemResponses(...ADMIN_PROBLEMS)
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const text = await this.metrics.metrics();
    // Counts change with every webhook: a cached copy would hide them.
    void reply.header('content-type', this.metrics.contentType).header('cache-control', 'no-store');
    return text;
  }
}
