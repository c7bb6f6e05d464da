import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminModule } from './admin/admin.module';
import { AdminConfigModule } from './admin-config/admin-config.module';
import { AdminConsoleUiModule } from './admin-console/ui/admin-console-ui.module';
import { AdminSessionModule } from './admin-console/session/admin-session.module';
import { AdminMessagesModule } from './admin-messages/admin-messages.module';
import { AlertsModule } from './alerts/alerts.module';
import { InboundAllowGuard } from './allowlist/inbound/inbound-allow.guard';
import { AllowlistModule } from './allowlist/allowlist.module';
import { ProblemModule } from './refusals/problem.module';
import { GatewayConfigModule, type PreparedConfiguration } from './config/config.module';
import { ReplyPollerModule } from './conversations/reply-poller.module';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { DeliveryAdminModule } from './delivery/control/delivery-admin.module';
import { DeliveryModule } from './delivery/delivery.module';
import { EmbeddedServicesModule } from './embedded-services.module';
import { HealthModule } from './health/health.module';
import { IntakeModule } from './intake/intake.module';
import { MetricsModule } from './metrics/metrics.module';
import { PostgresSchemaModule } from './postgres-schema';
import { OpenApiModule } from './admin/api-docs/openapi.module';
import { SecretsModule } from './secrets/secrets.module';
import { StorageModule } from './storage/storage.module';
import { TracingModule } from './tracing/tracing.module';

@Module({})
export class AppModule {
  /**
   * `logging` is nestjs-pino's LoggerModule, built by createApp around its root logger (which
   * also binds the admin routes' request loggers, bindAdminRequestLoggers).
   */
  static forRoot(configuration: PreparedConfiguration, logging?: DynamicModule): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...(logging ? [logging] : []),
        GatewayConfigModule.forRoot(configuration),
        EmbeddedServicesModule,
        ProblemModule,
        AllowlistModule,
        AdminModule,
        SecretsModule,
        PostgresSchemaModule,
        StorageModule,
        IntakeModule.forRoot(),
        DeliveryModule,
        ReplyPollerModule,
        HealthModule,
        DeadLettersModule,
        AlertsModule,
        AdminMessagesModule,
        DeliveryAdminModule,
        AdminConfigModule,
        MetricsModule,
        TracingModule.forRoot(configuration.config),
        AdminConsoleUiModule,
        AdminSessionModule,
        // Describes the whole application (/admin/api-docs).
        OpenApiModule,
      ],
      // First step of every request: the inbound allow rules cover any path, not only webhooks.
      providers: [{ provide: APP_GUARD, useExisting: InboundAllowGuard }],
    };
  }
}
