import type { OutboundGuard } from '../../allowlist/outbound/outbound-guard';
import { OutboundRefusedError } from '../../common/problem/gateway-error';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/**
 * OUTBOUND POLICY CALL SITE: the one place the OCI Vault endpoint is checked against the outbound
 * allowlist, before the Secrets client sends anything. Throws `OutboundRefusedError`.
 *
 * In the gateway the guard is always there (SecretsModule imports OutboundAllowModule), so this
 * is `checkOutboundTarget` under the configured `allowlist.outbound` (the guard logs the refusal),
 * and every request then goes through `OUTBOUND_HTTP` as well. Without a guard (SecretsService
 * built by hand, as in tests and scripts) the rules that need no configuration apply: HTTPS only,
 * except plain HTTP to a loopback address outside production (the Vault emulator).
 */
export function checkVaultTarget(url: URL, production: boolean, guard?: OutboundGuard): void {
  if (guard) {
    guard.assertAllowed(url, 'oci-vault');
    return;
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && !production && LOOPBACK_HOSTS.has(url.hostname)) return;
  throw new OutboundRefusedError(
    url.origin,
    production || url.protocol !== 'http:'
      ? 'OCI Vault is only called over HTTPS'
      : 'plain HTTP is only allowed to a loopback address (the Vault emulator)',
  );
}
