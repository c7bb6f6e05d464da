import type { ValueProvider } from '@nestjs/common';
import type { GatewayConfig } from '../../config/gateway-config';

/** An outbound target named by the configuration, with the key an operator would fix. */
export interface ConfiguredTarget {
  /** e.g. `b2c.url (B2C_URL)`. */
  key: string;
  url: string;
}

/**
 * What a feature declares: every outbound URL its settings name (none when it is off). Start-up
 * stops when one is not on the outbound allowlist.
 */
export type OutboundTargetDeclaration = (config: GatewayConfig) => ConfiguredTarget[];

/** A feature's declaration as its module provides it; the allowlist finds these by type. */
export class DeclaredOutboundTargets {
  constructor(
    /** Who declares, for messages and tests, e.g. `b2c`. */
    readonly feature: string,
    readonly declare: OutboundTargetDeclaration,
  ) {}
}

/**
 * The provider a feature module lists to declare its outbound targets, e.g.
 * `providers: [provideOutboundTargets('b2c', b2cOutboundTargets)]`. Nest has no multi-providers,
 * so each declaration gets a token of its own and the allowlist collects them all through
 * `DiscoveryService`. A value provider on purpose: it exists as soon as the modules are scanned,
 * so the outbound guard can check every declaration when it is built, before any other provider
 * (or any outbound call) exists.
 */
export function provideOutboundTargets(
  feature: string,
  declare: OutboundTargetDeclaration,
): ValueProvider<DeclaredOutboundTargets> {
  return {
    provide: Symbol(`OutboundTargets(${feature})`),
    useValue: new DeclaredOutboundTargets(feature, declare),
  };
}
