import type { Provider } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway-config';
import type { PostgresDatabase } from '../storage/postgres/postgres-database';
import { POSTGRES_DATABASE } from '../storage/storage.module';
import { MemoryRefusalLog } from './memory-refusal-log';
import { PostgresRefusalLog } from './postgres-refusal-log';
import { REFUSAL_LOG, type RefusalLog } from './refusal-log.port';

/**
 * The refusal log the storage driver calls for: in memory with `sqlite` (one process), the
 * shared `refusals` table with `postgres` (any instance explains any refusal).
 */
export const refusalLogProvider: Provider = {
  provide: REFUSAL_LOG,
  inject: [GatewayConfig, POSTGRES_DATABASE],
  useFactory: (config: GatewayConfig, database: PostgresDatabase | null): RefusalLog => {
    if (config.storage.driver !== 'postgres') return new MemoryRefusalLog();
    if (!database) throw new Error('storage.driver is postgres, but no database was opened');
    return new PostgresRefusalLog(database);
  },
};
