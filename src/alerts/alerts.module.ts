import { join } from 'node:path';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { OutboundGuard } from '../allowlist/outbound/outbound-guard';
import { B2cModule } from '../b2c/b2c.module';
import { GatewayConfig } from '../config/gateway-config';
import { InboxModule } from '../inbox/inbox.module';
import { SecretsService } from '../secrets/secrets.service';
import type { PostgresDatabase } from '../storage/postgres/postgres-database';
import { POSTGRES_DATABASE } from '../storage/storage.module';
import { AlertMonitor } from './alert-monitor';
import { AlertSender } from './alert-sender';
import { ALERT_STATE_STORE, type AlertStateStore } from './alert-state-store.port';
import { ALERT_TARGETS, resolveAlertTargets } from './alert-targets';
import { PostgresAlertStateStore } from './drivers/postgres-alert-state.store';
import { SqliteAlertStateStore } from './drivers/sqlite-alert-state.store';

export const ALERTS_FILE = 'alerts.sqlite';

/**
 * Alert webhooks (`alerts.webhookUrls`): conditions evaluated on a timer by one process at a
 * time, each alert sent once per condition and once more when it clears. With no URL nothing
 * runs and no file is made.
 */
@Module({
  imports: [InboxModule, B2cModule],
  providers: [
    {
      provide: ALERT_TARGETS,
      inject: [GatewayConfig, SecretsService, OutboundGuard],
      useFactory: resolveAlertTargets,
    },
    {
      provide: ALERT_STATE_STORE,
      inject: [GatewayConfig, POSTGRES_DATABASE],
      useFactory: (config: GatewayConfig, database: PostgresDatabase | null) => {
        if (config.alerts.webhookUrls.length === 0) return null;
        return database
          ? new PostgresAlertStateStore(database)
          : new SqliteAlertStateStore(join(config.storage.dataDir, ALERTS_FILE));
      },
    },
    AlertSender,
    AlertMonitor,
  ],
  exports: [AlertMonitor],
})
export class AlertsModule implements OnApplicationShutdown {
  constructor(@Inject(ALERT_STATE_STORE) private readonly store: AlertStateStore | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store?.close();
  }
}
