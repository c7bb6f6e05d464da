import { Global, Module } from '@nestjs/common';
import { OutboundAllowModule } from '../allowlist/outbound/outbound-allow.module';
import { provideOutboundTargets } from '../allowlist/outbound/outbound-target-declaration.port';
import { ociVaultOutboundTargets } from './oci-vault/oci-vault.outbound-targets';
import { SecretsService } from './secrets.service';

/**
 * Global so that any feature can resolve or watch its secrets. OutboundAllowModule: OCI Vault is
 * called through `OUTBOUND_HTTP`, its endpoint checked by the outbound allowlist guard.
 */
@Global()
@Module({
  imports: [OutboundAllowModule],
  providers: [SecretsService, provideOutboundTargets('oci-vault', ociVaultOutboundTargets)],
  exports: [SecretsService],
})
export class SecretsModule {}
