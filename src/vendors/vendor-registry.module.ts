import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { InboundAllowModule } from '../allowlist/inbound/inbound-allow.module';
import { VendorRegistry } from './vendor-registry';

/**
 * The enabled vendors and their settings, apart from the webhook route: the delivery side (replies
 * sent through a vendor) needs them too, and must not import the route's module (which imports
 * the inbox, which imports the delivery side).
 */
@Module({
  imports: [DiscoveryModule, InboundAllowModule],
  providers: [VendorRegistry],
  exports: [VendorRegistry],
})
export class VendorRegistryModule {}
