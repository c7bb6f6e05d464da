import {
  type CompiledInboundRules,
  compileResolvedRules,
  InboundRulesError,
} from './compile-inbound-rules';
import { resolveInboundSettings, resolveSourceList } from './rules/resolve-inbound-settings';
import { isVendorName } from '../../messages/vendor-name';

/** The one path a vendor's own source list covers. */
export function vendorWebhookPath(vendorName: string): string {
  return `/vendors/${vendorName}/webhook`;
}

/** The vendor a normalized path is the webhook of, or undefined. */
export function vendorOfPath(path: string): string | undefined {
  const match = /^\/vendors\/([^/]+)\/webhook$/.exec(path);
  return match && isVendorName(match[1]) ? match[1] : undefined;
}

export interface VendorSourceListOptions {
  /** Where the list is configured, for messages. Default `vendors.<name>.allowedSources`. */
  label?: string;
}

/**
 * Compiles a vendor's own source list (CIDR blocks, addresses, VCN OCIDs and names of
 * `allowlist.inbound.sourceGroups`) into a rule set that covers exactly
 * `/vendors/<name>/webhook`. A request to that path must pass both the global rules and this
 * list (`InboundAllowService` applies both). Throws InboundRulesError naming each bad entry.
 */
export function compileVendorSourceList(
  vendorName: string,
  sources: unknown,
  settings: unknown,
  options: VendorSourceListOptions = {},
): CompiledInboundRules {
  const label = options.label ?? `vendors.${vendorName}.allowedSources`;
  if (!isVendorName(vendorName)) {
    throw new InboundRulesError([`${label}: '${String(vendorName)}' is not a vendor name`]);
  }
  const problems: string[] = [];
  const { sourceGroups } = resolveInboundSettings(settings);
  const resolved = resolveSourceList(sources, sourceGroups, (key, text) =>
    problems.push(`${label}${key}: ${text}`),
  );
  if (resolved === undefined) throw new InboundRulesError(problems);
  const list = `vendor:${vendorName}`;
  return compileResolvedRules(
    [
      {
        label: list,
        pathGroup: list,
        paths: [{ match: 'exact', path: vendorWebhookPath(vendorName) }],
        sources: resolved,
      },
    ],
    list,
  );
}
