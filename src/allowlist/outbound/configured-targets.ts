import type { DiscoveryService } from '@nestjs/core';
import { ConfigError } from '../../common/problem/config-error';
import type { GatewayConfig } from '../../config/gateway-config';
import { checkOutboundTarget } from './check-outbound-target';
import type { OutboundPolicy } from './targets/outbound-policy';
import { TARGETS_KEY } from './targets/outbound-policy';
import { DeclaredOutboundTargets, type ConfiguredTarget } from './outbound-target-declaration.port';

export type { ConfiguredTarget } from './outbound-target-declaration.port';

/**
 * Every outbound URL the configuration names, as the features declare them
 * (`provideOutboundTargets` in each feature's module, e.g. `b2c/b2c.outbound-targets.ts`): the
 * allowlist knows no feature. Value providers only, so this works while providers are still
 * being built.
 */
export function declaredOutboundTargets(
  discovery: DiscoveryService,
  config: GatewayConfig,
): ConfiguredTarget[] {
  const declarations = new Set<DeclaredOutboundTargets>();
  for (const wrapper of discovery.getProviders()) {
    // Only value providers (no metatype) can hold a declaration; reading `instance` of the
    // others before they are built is pointless.
    if (wrapper.metatype) continue;
    const value: unknown = wrapper.instance;
    if (value instanceof DeclaredOutboundTargets) declarations.add(value);
  }
  return [...declarations].flatMap((declaration) => declaration.declare(config));
}

/**
 * Fails start-up, one line per target, when a configured target is not on the outbound
 * allowlist: better a clear stop than a worker that can never deliver.
 */
export function assertConfiguredTargetsAllowed(
  policy: OutboundPolicy,
  targets: readonly ConfiguredTarget[],
): void {
  const problems = targets.flatMap(({ key, url }) => {
    const decision = checkOutboundTarget(url, policy);
    if (decision.allowed) return [];
    return [
      `${key}: ${decision.error.target} is not an allowed outbound target (${decision.error.reason}); ` +
        `list it in ${TARGETS_KEY}`,
    ];
  });
  if (problems.length > 0) throw new ConfigError(problems);
}
