import { Global, Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { InboxModule } from '../inbox/inbox.module';
import { GatewayMetrics } from './gateway-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsListener } from './metrics-listener';

/**
 * `GET /admin/metrics`, the optional unauthenticated listener (`metrics.port`), and the
 * `GatewayMetrics` that intake, the exception filter and the
 * delivery worker count into. Global, so that they count into it without importing it: this
 * module imports InboxModule for the inbox counts.
 */
@Global()
@Module({
  imports: [InboxModule, AdminModule],
  controllers: [MetricsController],
  providers: [GatewayMetrics, MetricsListener],
  exports: [GatewayMetrics],
})
export class MetricsModule {}
