import { Module } from '@nestjs/common';
import { GatewayConfig } from '../../config/gateway-config';
import { InboundAllowGuard } from './inbound-allow.guard';
import { InboundAllowService } from './inbound-allow.service';
import { INBOUND_TRUSTED_PROXIES } from './inbound-allow.tokens';
import { TrustedProxies } from './trusted-proxies';

/**
 * `config.server.trustedProxies` (a list of CIDR blocks), read defensively: the setting may not
 * exist yet, and a comma-separated string (from the environment) is accepted too.
 */
export function trustedProxiesFrom(config: GatewayConfig): TrustedProxies {
  const value: unknown = (config.server as { trustedProxies?: unknown }).trustedProxies;
  if (value === undefined || value === null || value === '') return TrustedProxies.NONE;
  const entries =
    typeof value === 'string'
      ? value
          .split(',')
          .map((entry) => entry.trim())
          .filter((entry) => entry !== '')
      : value;
  return TrustedProxies.compile(entries);
}

/**
 * The inbound allow rules: `InboundAllowService` (compiled rules, live `replace`, vendor source
 * lists) and `InboundAllowGuard`. Needs the global `GatewayConfig` provider.
 */
@Module({
  providers: [
    InboundAllowService,
    InboundAllowGuard,
    {
      provide: INBOUND_TRUSTED_PROXIES,
      useFactory: trustedProxiesFrom,
      inject: [GatewayConfig],
    },
  ],
  exports: [InboundAllowService, InboundAllowGuard, INBOUND_TRUSTED_PROXIES],
})
export class InboundAllowModule {}
