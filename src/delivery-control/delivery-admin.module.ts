import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { InboundAllowModule } from '../allowlist/inbound/inbound-allow.module';
import { B2cModule } from '../b2c/b2c.module';
import { InboxModule } from '../inbox/inbox.module';
import { VendorRegistryModule } from '../vendors/vendor-registry.module';
import { DeliveryAdminController } from './delivery-admin.controller';
import { DeliveryControlModule } from './delivery-control.module';
import { DeliveryWake } from './delivery-wake';
import { AdminConfigController } from './effective-config/admin-config.controller';

/**
 * The admin routes: `/admin/delivery` (pause, resume, blocked senders) and `/admin/config`.
 * Apart from DeliveryControlModule, which the inbox imports, since these need the inbox.
 */
@Module({
  imports: [
    DeliveryControlModule,
    InboxModule,
    B2cModule,
    AdminModule,
    InboundAllowModule,
    VendorRegistryModule,
  ],
  controllers: [DeliveryAdminController, AdminConfigController],
  providers: [DeliveryWake],
})
export class DeliveryAdminModule {}
