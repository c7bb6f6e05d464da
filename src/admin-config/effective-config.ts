import type { GatewayConfig } from '../config/gateway-config';
import { isSecretReference, SECRET_SETTINGS, type SecretView, secretKind } from './secret-settings';

/** The inbound rules and outbound targets in force, as the allowlist services hold them. */
export interface AllowlistInForce {
  inbound: unknown;
  vendorSources: Record<string, unknown>;
  outbound: {
    targets: string[];
    allowHttpForDevelopment: boolean;
    hostAddresses: Record<string, string>;
    /** A CA bundle is configured on top of the system CAs. */
    caBundle: boolean;
  };
}

/** An enabled vendor's configured settings and which of them are secrets. */
export interface VendorInForce {
  settings: Record<string, unknown>;
  secretSettings: readonly string[];
}

/**
 * The effective configuration for GET /admin/config: every setting as validated at start-up, the
 * allow rules as in force now (a SIGHUP reload replaces them), and the enabled vendors. Secrets
 * show only their kind of reference (`env:`, `file:`, `oci-vault:`, or `value` for an inline
 * one): a setting listed in SECRET_SETTINGS or in a vendor's `secretSettings`, and any string
 * anywhere that is a secret reference. A URL anywhere loses its user name and password.
 */
export function effectiveConfig(
  config: GatewayConfig,
  allowlist: AllowlistInForce,
  vendors: ReadonlyMap<string, VendorInForce | false>,
): Record<string, unknown> {
  // Vendors and allow rules are replaced below: by what is enabled, and by what is in force.
  const view = walk(
    { ...config, vendors: undefined, allowlist: undefined },
    '',
    SECRET_SETTINGS,
  ) as Record<string, unknown>;
  view.allowlist = {
    inbound: walk(allowlist.inbound, 'allowlist.inbound', SECRET_SETTINGS),
    vendorSources: walk(allowlist.vendorSources, 'allowlist.vendorSources', SECRET_SETTINGS),
    outbound: walk(allowlist.outbound, 'allowlist.outbound', SECRET_SETTINGS),
  };
  const vendorViews: Record<string, unknown> = {};
  for (const [name, vendor] of vendors) {
    if (vendor === false) {
      // Its settings were never validated, so which of them are secrets is not known: none shown.
      vendorViews[name] = { enabled: false };
      continue;
    }
    const secrets = new Set(vendor.secretSettings.map((key) => `vendors.${name}.${key}`));
    vendorViews[name] = {
      ...(walk(vendor.settings, `vendors.${name}`, secrets) as Record<string, unknown>),
      enabled: true,
    };
  }
  view.vendors = vendorViews;
  return view;
}

function walk(value: unknown, path: string, secrets: ReadonlySet<string>): unknown {
  if (secrets.has(path)) return secretView(value);
  if (typeof value === 'string') {
    if (isSecretReference(value)) return { secret: secretKind(value) } satisfies SecretView;
    return withoutUserinfo(value);
  }
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Map) return walk(Object.fromEntries(value), path, secrets);
  if (Array.isArray(value)) return value.map((item, i) => walk(item, `${path}[${i}]`, secrets));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'function') continue;
    out[key] = walk(item, path === '' ? key : `${path}.${key}`, secrets);
  }
  return out;
}

function secretView(value: unknown): SecretView | null {
  if (value === undefined || value === null || value === '') return null;
  // Not a string (a YAML number or list where a secret belongs): its kind is an inline value.
  return { secret: typeof value === 'string' ? secretKind(value) : 'value' };
}

/** `https://user:pass@host/` → `https://host/`: a password never leaves in a URL. */
function withoutUserinfo(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(value)) return value;
  try {
    const url = new URL(value);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    // Not a URL after all, yet it looks like one with credentials: say nothing of it.
    return '(hidden: looks like a URL with credentials)';
  }
}
