import type { SecretsStatus } from '../../secrets/secret-handle';
import type { CheckReport } from '../readiness-report';

/**
 * Every configured secret has a value (critical: without one the gateway cannot verify vendors
 * or sign in to B2C). A secret whose background refresh fails still has its last good value, so
 * it only degrades readiness: a rotation at the source will not be seen until reads work again.
 * The report names settings, references (`env:NAME`, `file:/path`, `oci-vault:<OCID>`) and
 * reasons, never values.
 */
export function secretsCheck(status: SecretsStatus): CheckReport {
  const failing = status.failing.map(({ setting, reference, since, error }) => ({
    setting,
    reference,
    since,
    error,
  }));
  return {
    state: !status.loaded ? 'down' : failing.length > 0 ? 'degraded' : 'up',
    critical: true,
    latencyMs: 0,
    loaded: status.loaded,
    failing,
  };
}
