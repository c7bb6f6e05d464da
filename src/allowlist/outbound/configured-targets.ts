import { ConfigError } from '../../config/config-error';
import type { GatewayConfig } from '../../config/gateway-config';
import { b2cRestBase } from '../../b2c/b2c-connection';
import { otlpTracesUrl } from '../../tracing/tracing.settings';
import { checkOutboundTarget } from './check-outbound-target';
import type { OutboundPolicy } from './outbound-policy';
import { TARGETS_KEY } from './outbound-policy';

/** An outbound target named by the configuration, with the key an operator would fix. */
export interface ConfiguredTarget {
  /** e.g. `b2c.url (B2C_URL)`. */
  key: string;
  url: string;
}

/**
 * Every outbound URL the configuration names today. Add a line here when a feature gains a
 * configured endpoint (OCI Vault, JWKS, …) so start-up refuses a target off the list.
 */
export function configuredOutboundTargets(config: GatewayConfig): ConfiguredTarget[] {
  const targets: ConfiguredTarget[] = [];
  if (config.b2c.url) {
    targets.push({
      key: 'b2c.url (B2C_URL)',
      url: b2cRestBase(config.b2c.url, config.b2c.apiVersion),
    });
  }
  if (config.admin.mode === 'jwt' && config.admin.jwt.jwksUrl) {
    targets.push({ key: 'admin.jwt.jwksUrl (ADMIN_JWT_JWKS_URL)', url: config.admin.jwt.jwksUrl });
  }
  if (config.admin.mode === 'jwt' && config.admin.oidc.issuer) {
    targets.push({ key: 'admin.oidc.issuer (ADMIN_OIDC_ISSUER)', url: config.admin.oidc.issuer });
  }
  if (config.secrets.ociVault.endpoint) {
    targets.push({
      key: 'secrets.ociVault.endpoint (OCI_VAULT_ENDPOINT)',
      url: config.secrets.ociVault.endpoint,
    });
  }
  if (config.b2c.auth === 'oauth' && config.b2c.oauth?.tokenUrl) {
    targets.push({
      key: 'b2c.oauth.tokenUrl (B2C_OAUTH_TOKEN_URL)',
      url: config.b2c.oauth.tokenUrl,
    });
  }
  const tracesUrl = otlpTracesUrl(config.tracing);
  if (tracesUrl) {
    targets.push({
      key: config.tracing.tracesEndpoint
        ? 'tracing.tracesEndpoint (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)'
        : 'tracing.endpoint (OTEL_EXPORTER_OTLP_ENDPOINT)',
      url: tracesUrl,
    });
  }
  return targets;
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
