import { Global, Module } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { GatewayConfig } from '../../config/gateway-config';
import { assertConfiguredTargetsAllowed, declaredOutboundTargets } from './configured-targets';
import { OutboundGuard } from './outbound-guard';
import { OUTBOUND_HTTP } from './outbound-http.port';
import { OutboundHttpClient } from './outbound-http.client';
import { compileOutboundPolicy } from './targets/outbound-policy';

/**
 * The outbound target allowlist for the whole gateway: the guard (policy in force, checks,
 * guarded agents) and `OUTBOUND_HTTP`. Global, so any feature injects `OUTBOUND_HTTP` (or the
 * guard, to build guarded axios defaults) without importing it. Start-up stops here when the
 * configuration is bad or names a target off the list: each feature declares its own targets
 * (`provideOutboundTargets`, outbound-target-declaration.port.ts), found through discovery.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: OutboundGuard,
      inject: [GatewayConfig, DiscoveryService],
      useFactory: (config: GatewayConfig, discovery: DiscoveryService): OutboundGuard => {
        const policy = compileOutboundPolicy(config.allowlist.outbound, config.nodeEnv);
        assertConfiguredTargetsAllowed(policy, declaredOutboundTargets(discovery, config));
        return new OutboundGuard(policy);
      },
    },
    OutboundHttpClient,
    { provide: OUTBOUND_HTTP, useExisting: OutboundHttpClient },
  ],
  exports: [OutboundGuard, OUTBOUND_HTTP],
})
export class OutboundAllowModule {}
