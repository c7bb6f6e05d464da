import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { ConfigError } from '../../../common/problem/config-error';
import type { OutboundSettings } from './outbound.settings';
import { parseOutboundTarget, targetProblems, type OutboundTarget } from './outbound-target';

/** The outbound allowlist, compiled once from `allowlist.outbound` and checked on every call. */
export interface OutboundPolicy {
  readonly targets: readonly OutboundTarget[];
  readonly allowHttpForDevelopment: boolean;
  /**
   * Trust anchors for TLS: Node's bundled roots plus the configured bundle. Absent without a
   * bundle, so Node's default store applies (setting `ca` replaces that store, never extends it).
   */
  readonly ca?: readonly string[];
  /** Fixed DNS answers (`allowlist.outbound.hostAddresses`): name → address. */
  readonly hostAddresses: ReadonlyMap<string, string>;
}

export const TARGETS_KEY = 'allowlist.outbound.targets (ALLOWLIST_OUTBOUND_TARGETS)';
export const CA_BUNDLE_KEY = 'allowlist.outbound.caBundleFile (ALLOWLIST_OUTBOUND_CA_BUNDLE_FILE)';
export const ALLOW_HTTP_KEY =
  'allowlist.outbound.allowHttpForDevelopment (ALLOWLIST_OUTBOUND_ALLOW_HTTP_FOR_DEVELOPMENT)';

/** Cross-field rules of `allowlist.outbound` that need the rest of the configuration. */
export function outboundConfigProblems(nodeEnv: string, settings: OutboundSettings): string[] {
  if (nodeEnv === 'production' && settings.allowHttpForDevelopment) {
    return [`${ALLOW_HTTP_KEY}: must be false when NODE_ENV=production`];
  }
  return [];
}

/**
 * Compiles the settings, reading the CA bundle. Throws ConfigError naming every problem, so a
 * bad (re)load leaves the previous policy in force.
 */
export function compileOutboundPolicy(settings: OutboundSettings, nodeEnv: string): OutboundPolicy {
  const problems = [
    ...outboundConfigProblems(nodeEnv, settings),
    ...targetProblems(settings.targets, settings.allowHttpForDevelopment).map(
      (problem) => `${TARGETS_KEY}: ${problem}`,
    ),
  ];
  const bundle = settings.caBundleFile ? readCaBundle(settings.caBundleFile, problems) : [];
  if (problems.length > 0) throw new ConfigError(problems);
  const targets = settings.targets.map(
    (entry) => parseOutboundTarget(entry, settings.allowHttpForDevelopment) as OutboundTarget,
  );
  return {
    targets,
    allowHttpForDevelopment: settings.allowHttpForDevelopment,
    hostAddresses: new Map(Object.entries(settings.hostAddresses ?? {})),
    ...(bundle.length > 0 ? { ca: [...rootCertificates, ...bundle] } : {}),
  };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function readCaBundle(file: string, problems: string[]): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    problems.push(`${CA_BUNDLE_KEY}: cannot read ${file} (${code})`);
    return [];
  }
  const pems = text.match(PEM_CERTIFICATE) ?? [];
  if (pems.length === 0) problems.push(`${CA_BUNDLE_KEY}: ${file} holds no PEM certificate`);
  pems.forEach((pem, index) => {
    try {
      if (!new X509Certificate(pem).ca) {
        problems.push(`${CA_BUNDLE_KEY}: certificate ${index + 1} in ${file} is not a CA`);
      }
    } catch {
      problems.push(`${CA_BUNDLE_KEY}: certificate ${index + 1} in ${file} cannot be parsed`);
    }
  });
  return pems;
}
