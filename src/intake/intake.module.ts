import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { InboundAllowModule } from '../allowlist/inbound/inbound-allow.module';
import { AuthModule } from '../auth/auth.module';
import { InboxModule } from '../inbox/inbox.module';
import { ThrottleModule } from '../throttle/throttle.module';
import { discoverVendorModules } from '../vendors/discover-vendor-modules';
import { VendorRegistryModule } from '../vendors/vendor-registry.module';
import { VendorRequestGuard } from './vendor-request.guard';
import { WebhookController } from './webhook.controller';

/**
 * The webhook route and its steps, with every vendor module found in src/vendors/ (each one's
 * adapter and verification registered in the vendor registry).
 */
@Module({})
export class IntakeModule {
  static forRoot(): DynamicModule {
    return {
      module: IntakeModule,
      imports: [
        DiscoveryModule,
        InboundAllowModule,
        ThrottleModule,
        AuthModule,
        InboxModule,
        VendorRegistryModule,
        ...discoverVendorModules(),
      ],
      controllers: [WebhookController],
      providers: [VendorRequestGuard],
      exports: [VendorRegistryModule],
    };
  }
}
