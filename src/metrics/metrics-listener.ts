import type { AddressInfo } from 'node:net';
import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import Fastify, { type FastifyInstance } from 'fastify';
import { GatewayConfig } from '../config/gateway-config';
import { GatewayMetrics } from './gateway-metrics';

/** A scraper asks every few seconds; a request slower than this is abandoned. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * `metrics.port`: `GET /metrics` without authentication, on a listener of its own, for a
 * Prometheus scraper on a private network that cannot hold an admin credential. Nothing else is
 * served there, so opening that port to a network opens the metrics only. Off by default.
 */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: FastifyInstance | undefined;

  constructor(
    private readonly config: GatewayConfig,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** Where the listener is bound (its port when `metrics.port` is 0); undefined when off. */
  get address(): AddressInfo | undefined {
    const address = this.server?.server.address();
    return typeof address === 'object' && address !== null ? address : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { port, host } = this.config.metrics;
    if (port === undefined) return;
    const server = Fastify({ logger: false, requestTimeout: REQUEST_TIMEOUT_MS });
    server.get('/metrics', async (_request, reply) => {
      const text = await this.metrics.metrics();
      // Counts change with every webhook: a cached copy would hide them.
      return reply
        .header('content-type', this.metrics.contentType)
        .header('cache-control', 'no-store')
        .send(text);
    });
    try {
      await server.listen({ port, host });
    } catch (error) {
      await server.close();
      throw new Error(
        `metrics.port (METRICS_PORT): cannot listen on ${host}:${port}: ${errorMessage(error)}`,
      );
    }
    this.server = server;
    this.logger.log(
      `metrics without authentication on http://${host}:${this.address?.port}/metrics`,
    );
  }

  /** Before the inbox closes: a scrape reads it. */
  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
