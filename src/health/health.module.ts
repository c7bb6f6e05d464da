import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AdminModule } from '../admin/admin.module';
import { B2cModule } from '../b2c/b2c.module';
import { DeliveryControlModule } from '../delivery/control/delivery-control.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { InboxModule } from '../inbox/inbox.module';
import { AdminHealthController } from './admin-health.controller';
import { b2cProbeProvider } from './b2c-probe';
import { B2cReachability } from './checks/b2c-reachability';
import { StoreCheck } from './checks/store-check';
import { HealthController } from './health.controller';
import { DEFAULT_READINESS_OPTIONS, READINESS_OPTIONS } from './readiness-options';
import { ReadinessService } from './readiness.service';

/**
 * `/health/live` and `/health/ready`. AdminModule: admins get readiness details (a static
 * module, so importing it here and in AppModule yields one instance).
 */
@Module({
  imports: [
    TerminusModule.forRoot({ logger: false }),
    InboxModule,
    DeliveryModule,
    B2cModule,
    DeliveryControlModule,
    AdminModule,
  ],
  controllers: [HealthController, AdminHealthController],
  providers: [
    { provide: READINESS_OPTIONS, useValue: DEFAULT_READINESS_OPTIONS },
    b2cProbeProvider,
    StoreCheck,
    B2cReachability,
    ReadinessService,
  ],
  exports: [ReadinessService],
})
export class HealthModule {}
