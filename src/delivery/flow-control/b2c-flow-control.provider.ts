import type { Provider } from '@nestjs/common';
import { GatewayConfig } from '../../config/gateway-config';
import type { PostgresDatabase } from '../../storage/postgres/postgres-database';
import { POSTGRES_DATABASE } from '../../storage/storage.module';
import { B2C_FLOW_CONTROL, type B2cFlowControl } from './b2c-flow-control.port';
import { MemoryB2cFlowControl } from './memory-flow-control';
import { PostgresB2cFlowControl } from './postgres-flow-control';

/** Shared through the database with the `postgres` driver; this process's memory otherwise. */
export const b2cFlowControlProvider: Provider = {
  provide: B2C_FLOW_CONTROL,
  inject: [GatewayConfig, POSTGRES_DATABASE],
  useFactory: async (
    config: GatewayConfig,
    database: PostgresDatabase | null,
  ): Promise<B2cFlowControl> => {
    const rate = config.b2c.rateLimitPerSecond;
    if (config.storage.driver !== 'postgres') return new MemoryB2cFlowControl(rate);
    if (!database) throw new Error('storage.driver is postgres but no database was opened');
    return PostgresB2cFlowControl.open(database, rate);
  },
};
