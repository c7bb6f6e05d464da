import { type DynamicModule, Module } from '@nestjs/common';
import { GatewayConfigModule, type PreparedConfiguration } from './config/config.module';
import { HealthModule } from './health/health.module';
import { SecretsModule } from './secrets/secrets.module';
import { VendorsModule } from './vendors/vendors.module';

@Module({})
export class AppModule {
  static forRoot(configuration: PreparedConfiguration): DynamicModule {
    return {
      module: AppModule,
      imports: [
        GatewayConfigModule.forRoot(configuration),
        SecretsModule,
        VendorsModule.forRoot(),
        HealthModule,
      ],
    };
  }
}
