import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
} from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { GatewayConfig } from '../config/gateway-config';
import { DeliveryWorker } from '../inbox/delivery-worker';
import { INBOX_STORE, type InboxStore } from '../inbox/inbox-store.port';

/**
 * `/health/live`: the process answers. `/health/ready`: the store commits a real write and the
 * worker's loop is turning, so a load balancer stops sending webhooks we could not keep.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(INBOX_STORE) private readonly store: InboxStore,
    private readonly worker: DeliveryWorker,
    private readonly config: GatewayConfig,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  async ready(
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HealthCheckResult | object> {
    try {
      return await this.health.check([() => this.storeWritable(), () => this.workerRunning()]);
    } catch (error) {
      // Terminus reports "not ready" as an exception; answer its report as it is, with 503.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return error.getResponse() as object;
    }
  }

  private async storeWritable() {
    const indicator = this.indicators.check('store');
    try {
      await this.store.probeWrite();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  private workerRunning() {
    const indicator = this.indicators.check('worker');
    if (!this.config.worker.enabled) return indicator.up({ enabled: false });
    // The loop wakes at least every poll interval; a much older turn means it is stuck.
    const staleAfter = this.config.worker.pollIntervalMs * 3 + this.config.b2c.timeoutMs;
    const age = Date.now() - this.worker.lastTurnAt;
    if (this.worker.isRunning && age <= staleAfter) return indicator.up();
    return indicator.down({ running: this.worker.isRunning, lastTurnAgoMs: age });
  }
}
