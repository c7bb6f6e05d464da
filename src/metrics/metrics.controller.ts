import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AdminGuard } from '../admin/admin.guard';
import { GatewayMetrics } from './gateway-metrics';

/**
 * `GET /admin/metrics`: Prometheus text format. Admins only: vendor names and refusal counts
 * tell an outsider which vendors are enabled and what is being tried.
 */
@Controller('admin')
@UseGuards(AdminGuard)
export class MetricsController {
  constructor(private readonly metrics: GatewayMetrics) {}

  @Get('metrics')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const text = await this.metrics.metrics();
    // Counts change with every webhook: a cached copy would hide them.
    void reply.header('content-type', this.metrics.contentType).header('cache-control', 'no-store');
    return text;
  }
}
