import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { InboundAllowModule } from '../allowlist/inbound/inbound-allow.module';
import { VendorRegistryModule } from '../vendors/vendor-registry.module';
import { AdminConfigController } from './admin-config.controller';

/** `GET /admin/config`: the configuration, allow rules, outbound targets and vendors in force. */
@Module({
  imports: [AdminModule, InboundAllowModule, VendorRegistryModule],
  controllers: [AdminConfigController],
})
export class AdminConfigModule {}
