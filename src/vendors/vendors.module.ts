import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { InboundAllowModule } from '../allowlist/inbound/inbound-allow.module';
import { AuthModule } from '../auth/auth.module';
import { InboxModule } from '../inbox/inbox.module';
import { ThrottleModule } from '../throttle/throttle.module';
import { discoverVendorModules } from './discover-vendor-modules';
import { VendorRegistryModule } from './vendor-registry.module';
import { VendorRequestGuard } from './vendor-request.guard';
import { WebhookController } from './webhook.controller';

@Module({})
export class VendorsModule {
  static forRoot(): DynamicModule {
    return {
      module: VendorsModule,
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
