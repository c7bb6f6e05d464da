import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { B2cFlowControlModule } from '../flow-control/b2c-flow-control.module';
import { GatewayConfig } from '../../config/gateway-config';
import { DELIVERY_PAUSE } from '../delivery-worker';
import type { PostgresDatabase } from '../../storage/postgres/postgres-database';
import { POSTGRES_DATABASE, StorageModule } from '../../storage/storage.module';
import { DELIVERY_CONTROL_STORE, type DeliveryControlStore } from './delivery-control-store.port';
import { DeliveryControl } from './delivery-control.service';
import { deliveryPauseProvider } from './delivery-pause.provider';
import { PostgresDeliveryControlStore } from './drivers/postgres-delivery-control.store';
import { SqliteDeliveryControlStore } from './drivers/sqlite-delivery-control.store';

export const DELIVERY_CONTROL_FILE = 'delivery-control.sqlite';

/**
 * The admin's delivery pause (store, DeliveryControl) and DELIVERY_PAUSE, which the delivery
 * worker obeys. Imported by DeliveryModule (the worker), so it must not import that back:
 * the admin routes are in DeliveryAdminModule.
 */
@Module({
  imports: [StorageModule, B2cFlowControlModule],
  providers: [
    {
      provide: DELIVERY_CONTROL_STORE,
      inject: [GatewayConfig, POSTGRES_DATABASE],
      useFactory: (
        config: GatewayConfig,
        database: PostgresDatabase | null,
      ): DeliveryControlStore =>
        database
          ? new PostgresDeliveryControlStore(database)
          : new SqliteDeliveryControlStore(join(config.storage.dataDir, DELIVERY_CONTROL_FILE)),
    },
    DeliveryControl,
    deliveryPauseProvider,
  ],
  exports: [DeliveryControl, DELIVERY_PAUSE],
})
export class DeliveryControlModule {}
