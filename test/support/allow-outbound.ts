/**
 * Environment that puts these loopback origins (emulator, identity domain, Vault emulator) on
 * the outbound allowlist, with the plain-http development setting they need.
 */
export function allowOutbound(origins: readonly string[]): Record<string, string> {
  return {
    ALLOWLIST_OUTBOUND_TARGETS: origins.join(','),
    ALLOWLIST_OUTBOUND_ALLOW_HTTP_FOR_DEVELOPMENT: 'true',
  };
}
