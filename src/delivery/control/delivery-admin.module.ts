import { Module } from '@nestjs/common';
import { AdminModule } from '../../admin/admin.module';
import { B2cFlowControlModule } from '../flow-control/b2c-flow-control.module';
import { InboxModule } from '../../inbox/inbox.module';
import { DeliveryAdminController } from './delivery-admin.controller';
import { DeliveryModule } from '../delivery.module';
import { DeliveryControlModule } from './delivery-control.module';
import { DeliveryWake } from './delivery-wake';

/**
 * The admin routes of `/admin/delivery` (pause, resume, blocked senders).
 * Apart from DeliveryControlModule, which the worker imports, since these need the worker.
 */
@Module({
  imports: [DeliveryControlModule, DeliveryModule, InboxModule, B2cFlowControlModule, AdminModule],
  controllers: [DeliveryAdminController],
  providers: [DeliveryWake],
})
export class DeliveryAdminModule {}
