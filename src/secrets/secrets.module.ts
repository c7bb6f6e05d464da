import { Global, Module } from '@nestjs/common';
import { OutboundAllowModule } from '../allowlist/outbound/outbound-allow.module';
import { SecretsService } from './secrets.service';

/**
 * Global so that any feature can resolve or watch its secrets. OutboundAllowModule: OCI Vault is
 * called through `OUTBOUND_HTTP`, its endpoint checked by the outbound allowlist guard.
 */
@Global()
@Module({
  imports: [OutboundAllowModule],
  providers: [SecretsService],
  exports: [SecretsService],
})
export class SecretsModule {}
