import { join } from 'node:path';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway-config';
import { POSTGRES_DATABASE } from '../storage/storage.module';
import type { PostgresDatabase } from '../storage/postgres/postgres-database';
import { PostgresInboxStore } from './drivers/postgres/postgres-inbox.store';
import { SqliteInboxStore } from './drivers/sqlite/sqlite-inbox.store';
import { INBOX_STORE, type InboxStore } from './inbox-store.port';
import { InboxService } from './inbox.service';

export const INBOX_FILE = 'inbox.sqlite';

@Module({
  providers: [
    {
      provide: INBOX_STORE,
      useFactory: async (
        config: GatewayConfig,
        database: PostgresDatabase | null,
      ): Promise<InboxStore> => {
        const { groupCommitMaxBatch, groupCommitWindowMs } = config.storage;
        if (database) {
          return new PostgresInboxStore(database, { groupCommitMaxBatch, groupCommitWindowMs });
        }
        return SqliteInboxStore.open({
          file: join(config.storage.dataDir, INBOX_FILE),
          groupCommitMaxBatch,
          groupCommitWindowMs,
        });
      },
      inject: [GatewayConfig, POSTGRES_DATABASE],
    },
    InboxService,
  ],
  exports: [InboxService, INBOX_STORE],
})
export class InboxModule implements OnApplicationShutdown {
  constructor(@Inject(INBOX_STORE) private readonly store: InboxStore) {}

  /**
   * Runs after the HTTP server has closed and the worker has stopped (DeliveryModule imports this
   * module, so Nest shuts it down first): commits what is queued.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
