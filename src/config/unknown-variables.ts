import { parseSecretReference } from '../secrets/reference/secret-reference';
import {
  CONFIG_FILE_VARIABLE,
  ENVIRONMENT_KEYS,
  type Environment,
  VENDOR_VARIABLE,
} from './environment-keys';

/**
 * Prefixes of the gateway's own setting families. A variable under one of them that names no
 * setting is almost certainly a misspelling. Left out on purpose: prefixes the platform or other
 * software sets (`NODE_`, `OTEL_`, `OCI_` outside `OCI_VAULT_`, `DATABASE_`, `REDIS_`, `LOG_`,
 * `HOST…`, `PORT…`), where refusing would stop the gateway for a variable nobody here wrote.
 */
export const GATEWAY_PREFIXES: readonly string[] = [
  'ADMIN_',
  'ALERTS_',
  'ALLOWLIST_',
  'B2C_',
  'CONVERSATIONS_',
  'EMULATOR_',
  'GATEWAY_',
  'INBOX_',
  'METRICS_',
  'OCI_VAULT_',
  'SECRETS_',
  'STORAGE_',
  'THROTTLE_',
  'VENDOR_',
  'WORKER_',
];

/** Read outside ENVIRONMENT_KEYS: the standalone B2C emulator (src/emulators/b2c-service/main.ts). */
const READ_ELSEWHERE: ReadonlySet<string> = new Set([
  'EMULATOR_DB',
  'EMULATOR_USERNAME',
  'EMULATOR_PASSWORD',
]);

/**
 * Kubernetes puts `<SERVICE>_SERVICE_HOST`, `<SERVICE>_PORT=tcp://…` and friends into every pod
 * for every Service in the namespace; a Service named e.g. `b2c-gateway` must not stop the pods.
 */
const SERVICE_LINK_NAME = /_SERVICE_HOST$|_SERVICE_PORT(_[A-Z0-9_]+)?$|_PORT_\d+_(TCP|UDP|SCTP)/;
const SERVICE_LINK_PORT = { name: /_PORT$/, value: /^(tcp|udp|sctp):\/\// };

/**
 * One problem per variable under a gateway prefix that is no setting, naming the closest known
 * variable when one is near. `settings` is the merged configuration tree: a variable an `env:`
 * secret reference names (`B2C_PASSWORD=env:B2C_SECRET`) is legitimate whatever its name.
 */
export function unknownVariableProblems(env: Environment, settings: unknown): string[] {
  const known = [...Object.keys(ENVIRONMENT_KEYS), CONFIG_FILE_VARIABLE];
  const referenced = secretVariables(settings);
  return Object.entries(env)
    .filter(
      ([name, value]) =>
        // An empty value sets nothing, so nothing is believed to be in force.
        value !== undefined &&
        value !== '' &&
        GATEWAY_PREFIXES.some((prefix) => name.startsWith(prefix)) &&
        !known.includes(name) &&
        !VENDOR_VARIABLE.test(name) &&
        !READ_ELSEWHERE.has(name) &&
        !referenced.has(name) &&
        !isServiceLink(name, value),
    )
    .map(([name]) => name)
    .sort()
    .map((name) => `${name}: is not a known setting${hint(name, known)}`);
}

function hint(name: string, known: readonly string[]): string {
  if (name.startsWith('VENDOR_')) return '; vendor settings are VENDOR_<NAME>__<KEY>';
  const suggestion = closest(name, known);
  return suggestion ? `; did you mean ${suggestion}?` : '';
}

function isServiceLink(name: string, value: string): boolean {
  return (
    SERVICE_LINK_NAME.test(name) ||
    (SERVICE_LINK_PORT.name.test(name) && SERVICE_LINK_PORT.value.test(value))
  );
}

function secretVariables(settings: unknown, found = new Set<string>()): Set<string> {
  if (typeof settings === 'string') {
    const reference = parseSecretReference(settings);
    if (reference.kind === 'env') found.add(reference.name);
  } else if (typeof settings === 'object' && settings !== null) {
    for (const value of Object.values(settings)) secretVariables(value, found);
  }
  return found;
}

/**
 * The known name nearest to `name`, if near enough to be what was meant: at most one edit per
 * four characters, so a long name may carry a couple of slips but unrelated names are not offered.
 */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 4)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Damerau-Levenshtein (optimal string alignment): a swap of neighbours counts as one edit. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const substitution = d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
