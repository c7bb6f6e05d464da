import { readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../common/problem/config-error';
import { outboundConfigProblems } from '../allowlist/outbound/targets/outbound-policy';
import { CONFIG_FILE_VARIABLE, ENVIRONMENT_KEYS, VENDOR_VARIABLE } from './environment-keys';
import { GatewayConfig } from './gateway-config';
import { unknownVariableProblems } from './unknown-variables';
import { isVendorName, VENDOR_NAME_RULE } from '../messages/vendor-name';

/** Where settings come from; its keys are in environment-keys.ts. */
export type { Environment } from './environment-keys';
import type { Environment } from './environment-keys';

type Tree = Record<string, unknown>;

const isTree = (value: unknown): value is Tree =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Which variable set a key, so an error can name what the operator actually wrote. */
const VARIABLE_BY_KEY = new Map(Object.entries(ENVIRONMENT_KEYS).map(([env, key]) => [key, env]));

/**
 * Builds and validates the configuration from the environment and the optional YAML file it
 * names. Precedence: environment over file over defaults. Throws ConfigError listing every
 * problem, so an operator fixes them in one go. `warn` receives what is only worth a warning.
 */
export function loadGatewayConfig(
  env: Environment,
  warn: (warning: string) => void = () => undefined,
): GatewayConfig {
  const tree: Tree = readConfigFile(env);
  for (const [variable, key] of Object.entries(ENVIRONMENT_KEYS)) {
    const value = env[variable];
    if (value !== undefined && value !== '') setPath(tree, key.split('.'), coerce(key, value));
  }
  const vendorVariables = new Map<string, string>();
  for (const [variable, value] of Object.entries(env)) {
    const match = VENDOR_VARIABLE.exec(variable);
    if (!match || value === undefined) continue;
    const vendor = match[1].toLowerCase().replace(/_/g, '-');
    vendorVariables.set(vendor, variable);
    setPath(tree, ['vendors', vendor, camelCase(match[2])], value);
  }

  const config = plainToInstance(GatewayConfig, tree, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true, forbidNonWhitelisted: true });
  const problems = errors.flatMap((error) => describe(error, []));
  problems.push(...crossFieldProblems(config));
  problems.push(...vendorNameProblems(tree, vendorVariables));
  // A misspelt variable leaves its setting silently unset: production refuses to start; elsewhere
  // a warning is enough, so a stray variable in a developer's shell does not stop the gateway.
  const unknownVariables = unknownVariableProblems(env, tree);
  if (config.nodeEnv === 'production') problems.push(...unknownVariables);
  else unknownVariables.forEach((warning) => warn(warning));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** `vendors.<name>` keys, from the file or a `VENDOR_<NAME>__<KEY>` variable, are vendor names. */
function vendorNameProblems(tree: Tree, variables: ReadonlyMap<string, string>): string[] {
  const vendors = tree.vendors;
  if (!isTree(vendors)) return [];
  return Object.keys(vendors)
    .filter((name) => !isVendorName(name))
    .map((name) => {
      const variable = variables.get(name);
      return `vendors.${name}${variable ? ` (${variable})` : ''}: is not a vendor name (${VENDOR_NAME_RULE})`;
    });
}

function readConfigFile(env: Environment): Tree {
  const file = env[CONFIG_FILE_VARIABLE];
  if (!file) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`${CONFIG_FILE_VARIABLE}: cannot read ${file}: ${errorText(error)}`]);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ConfigError([
      `${CONFIG_FILE_VARIABLE}: ${file} is not valid YAML: ${errorText(error)}`,
    ]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isTree(parsed)) {
    throw new ConfigError([
      `${CONFIG_FILE_VARIABLE}: ${file} must hold a mapping at the top level`,
    ]);
  }
  return parsed;
}

/**
 * A configured site needs credentials; production never falls back to the embedded emulator or
 * to a URL built from the Host header.
 */
function crossFieldProblems(config: GatewayConfig): string[] {
  const problems: string[] = [...outboundConfigProblems(config.nodeEnv, config.allowlist.outbound)];
  if (config.storage.driver === 'postgres' && config.storage.postgres.url === undefined) {
    problems.push(`${label('storage.postgres.url')}: is required when storage.driver is postgres`);
  }
  const basic = config.b2c.auth === 'basic';
  if (config.b2c.url !== undefined && config.nodeEnv !== 'production' && basic) {
    for (const [key, value] of [
      ['b2c.username', config.b2c.username],
      ['b2c.password', config.b2c.password],
    ] as const) {
      if (value === undefined) problems.push(`${label(key)}: is required when b2c.url is set`);
    }
  }
  if (config.nodeEnv !== 'production') return problems;
  const required: [string, unknown][] = [
    ['b2c.url', config.b2c.url],
    ...(basic
      ? ([
          ['b2c.username', config.b2c.username],
          ['b2c.password', config.b2c.password],
        ] as [string, unknown][])
      : []),
    ['server.publicBaseUrl', config.server.publicBaseUrl],
    // A forgotten admin mode must not silently leave the admin routes closed (or open).
    ['admin.mode', config.admin.mode],
  ];
  for (const [key, value] of required) {
    if (value === undefined) problems.push(`${label(key)}: is required when NODE_ENV=production`);
  }
  return problems;
}

function describe(error: ValidationError, parents: string[]): string[] {
  const path = [...parents, error.property];
  const own = Object.entries(error.constraints ?? {}).map(
    ([constraint, message]) =>
      `${label(path.join('.'))}: ${predicateOf(constraint, message, error.property)}`,
  );
  return [...own, ...(error.children ?? []).flatMap((child) => describe(child, path))];
}

/** class-validator words messages as "<property> must ..."; keep only the predicate. */
export function predicateOf(constraint: string, message: string, property: string): string {
  if (constraint === 'whitelistValidation') return 'is not a known setting';
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/**
 * Environment values are strings. Where the setting's default is a number or a boolean, a value
 * that reads as one is converted; anything else is left for validation to refuse by name.
 */
function coerce(key: string, value: string): unknown {
  let node: unknown = new GatewayConfig();
  for (const segment of key.split('.')) node = isTree(node) ? node[segment] : undefined;
  if (typeof node === 'number' && /^-?\d+$/.test(value)) return Number(value);
  if (Array.isArray(node)) return value.split(/[\s,]+/).filter((entry) => entry !== '');
  if (typeof node === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function label(key: string): string {
  const variable = VARIABLE_BY_KEY.get(key);
  return variable ? `${key} (${variable})` : key;
}

function setPath(tree: Tree, path: string[], value: unknown): void {
  let node = tree;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (!isTree(next)) node[segment] = {};
    node = node[segment] as Tree;
  }
  node[path[path.length - 1]] = value;
}

function camelCase(variablePart: string): string {
  return variablePart.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
