import { join } from 'node:path';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { B2cModule } from '../b2c/b2c.module';
import { GatewayConfig } from '../config/gateway-config';
import { DeliveryWorker } from './delivery-worker';
import { SqliteInboxStore } from './drivers/sqlite/sqlite-inbox.store';
import { INBOX_STORE, type InboxStore } from './inbox-store.port';
import { InboxService } from './inbox.service';

export const INBOX_FILE = 'inbox.sqlite';

@Module({
  imports: [B2cModule],
  providers: [
    {
      provide: INBOX_STORE,
      useFactory: (config: GatewayConfig): Promise<InboxStore> =>
        SqliteInboxStore.open({
          file: join(config.storage.dataDir, INBOX_FILE),
          groupCommitMaxBatch: config.storage.groupCommitMaxBatch,
          groupCommitWindowMs: config.storage.groupCommitWindowMs,
        }),
      inject: [GatewayConfig],
    },
    DeliveryWorker,
    InboxService,
  ],
  exports: [InboxService, DeliveryWorker, INBOX_STORE],
})
export class InboxModule implements OnApplicationShutdown {
  constructor(@Inject(INBOX_STORE) private readonly store: InboxStore) {}

  /** Runs after the HTTP server has closed and the worker has stopped: commits what is queued. */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
