import { Module } from '@nestjs/common';
import { AllowlistReloadService } from './allowlist-reload.service';
import { InboundAllowModule } from './inbound/inbound-allow.module';
import { OutboundAllowModule } from './outbound/outbound-allow.module';

/** Inbound allow rules, the outbound target allowlist, and their live reload on SIGHUP. */
@Module({
  imports: [InboundAllowModule, OutboundAllowModule],
  providers: [AllowlistReloadService],
  exports: [InboundAllowModule, OutboundAllowModule, AllowlistReloadService],
})
export class AllowlistModule {}
