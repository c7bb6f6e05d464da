import { MalformedPathError, normalizePath } from './path-normalization';
import { describeValue, GROUP_NAME, parseSourceEntry, type SourceAtom } from './source-entry';

/** One configured path of a path group, normalized. */
export interface PathEntry {
  readonly match: 'exact' | 'prefix';
  readonly path: string;
}

/** A source as a rule names it: a group (label = its name) or one inline entry (label = entry). */
export interface ResolvedSource {
  readonly label: string;
  readonly atoms: readonly SourceAtom[];
}

export interface ResolvedRule {
  /** The rule's `name`, or `rules[<index>]`. */
  readonly label: string;
  readonly pathGroup: string;
  readonly paths: readonly PathEntry[];
  readonly sources: readonly ResolvedSource[];
}

/**
 * One problem with the settings. `property` is the top-level setting it belongs to; `key` the
 * place below it (`[2].sources[0]`, `partners[1]`, or empty for the setting itself).
 */
export interface SettingsProblem {
  readonly property: string;
  readonly key: string;
  readonly text: string;
}

export interface ResolvedInboundSettings {
  readonly rules: readonly ResolvedRule[];
  readonly sourceGroups: ReadonlyMap<string, readonly SourceAtom[]>;
  readonly problems: readonly SettingsProblem[];
}

/** `allowlist.inbound.rules[2].sources[0]: 'foo' is neither ...` */
export function formatProblem(prefix: string, problem: SettingsProblem): string {
  if (problem.property === '') return `${prefix}: ${problem.text}`;
  const key = problem.key === '' || problem.key.startsWith('[') ? problem.key : `.${problem.key}`;
  return `${prefix}.${problem.property}${key}: ${problem.text}`;
}

type Tree = Record<string, unknown>;
const isTree = (value: unknown): value is Tree =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const PATH_KEYS = new Set(['exact', 'prefix']);
const RULE_KEYS = new Set(['name', 'pathGroup', 'sources']);

/**
 * Checks the inbound settings and resolves every name, collecting every problem rather than
 * stopping at the first. Takes `unknown`: a reload may hand over anything.
 */
export function resolveInboundSettings(settings: unknown): ResolvedInboundSettings {
  const problems: SettingsProblem[] = [];
  const root = isTree(settings) ? settings : {};
  if (!isTree(settings)) {
    problems.push({ property: '', key: '', text: 'must be a mapping' });
  }
  const sourceGroups = resolveSourceGroups(root.sourceGroups ?? {}, problems);
  const pathGroups = resolvePathGroups(root.pathGroups ?? {}, problems);
  const rules = resolveRules(root.rules ?? [], sourceGroups, pathGroups, problems);
  return { rules, sourceGroups, problems };
}

/**
 * A `name: [item, ...]` map of groups: names checked, lists non-empty, every item read by
 * `readItem`, which reports its own problems and returns undefined for an item it refuses. A
 * group with problems is still defined, so rules naming it get no second, misleading problem.
 */
function resolveGroups<T>(
  value: unknown,
  property: string,
  listText: { map: string; list: string },
  problems: SettingsProblem[],
  readItem: (item: unknown, key: string) => T | undefined,
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  if (!isTree(value)) {
    problems.push({ property, key: '', text: listText.map });
    return groups;
  }
  for (const [name, list] of Object.entries(value)) {
    if (!GROUP_NAME.test(name)) {
      problems.push({ property, key: name, text: nameProblem('group') });
      continue;
    }
    if (!Array.isArray(list) || list.length === 0) {
      problems.push({ property, key: name, text: listText.list });
      groups.set(name, []);
      continue;
    }
    const items: T[] = [];
    list.forEach((item, index) => {
      const read = readItem(item, `${name}[${index}]`);
      if (read !== undefined) items.push(read);
    });
    groups.set(name, items);
  }
  return groups;
}

function resolveSourceGroups(
  value: unknown,
  problems: SettingsProblem[],
): Map<string, SourceAtom[]> {
  const property = 'sourceGroups';
  const texts = {
    map: 'must map group names to lists of sources',
    list: 'must be a non-empty list of sources',
  };
  return resolveGroups(value, property, texts, problems, (item, key) => {
    const entry = parseSourceEntry(item);
    if (entry.kind === 'invalid') {
      problems.push({ property, key, text: entry.problem });
      return undefined;
    }
    if (entry.kind === 'name') {
      problems.push({
        property,
        key,
        text: `'${entry.name}': a source group lists CIDR blocks, addresses and VCN OCIDs, not other groups`,
      });
      return undefined;
    }
    return entry;
  });
}

function resolvePathGroups(value: unknown, problems: SettingsProblem[]): Map<string, PathEntry[]> {
  const property = 'pathGroups';
  const texts = {
    map: 'must map group names to lists of paths',
    list: 'must be a non-empty list of { exact: <path> } or { prefix: <path> }',
  };
  return resolveGroups(value, property, texts, problems, (item, key) => {
    const keys = isTree(item) ? Object.keys(item) : [];
    if (!isTree(item) || keys.length !== 1 || !PATH_KEYS.has(keys[0])) {
      problems.push({
        property,
        key,
        text: `${describeValue(item)} must be { exact: <path> } or { prefix: <path> }`,
      });
      return undefined;
    }
    const match = keys[0] as PathEntry['match'];
    const raw = item[match];
    try {
      return { match, path: normalizeConfiguredPath(raw) };
    } catch (error) {
      const reason = error instanceof MalformedPathError ? error.reason : 'unreadable';
      problems.push({
        property,
        key: `${key}.${match}`,
        text: `${describeValue(raw)} is not a usable path: ${reason}`,
      });
      return undefined;
    }
  });
}

/** Configured paths may not carry a query: that would be ignored silently. */
function normalizeConfiguredPath(raw: unknown): string {
  if (typeof raw === 'string' && /[?#]/.test(raw)) {
    throw new MalformedPathError('has a query or fragment, which matching ignores');
  }
  return normalizePath(raw);
}

function resolveRules(
  value: unknown,
  sourceGroups: ReadonlyMap<string, readonly SourceAtom[]>,
  pathGroups: ReadonlyMap<string, readonly PathEntry[]>,
  problems: SettingsProblem[],
): ResolvedRule[] {
  const property = 'rules';
  if (!Array.isArray(value)) {
    problems.push({ property, key: '', text: 'must be a list of { pathGroup, sources } rules' });
    return [];
  }
  const rules: ResolvedRule[] = [];
  const names = new Set<string>();
  value.forEach((rule: unknown, index) => {
    const at = `[${index}]`;
    if (!isTree(rule)) {
      problems.push({
        property,
        key: at,
        text: `${describeValue(rule)} must be a { pathGroup, sources } rule`,
      });
      return;
    }
    let valid = true;
    const fail = (key: string, text: string): void => {
      problems.push({ property, key: `${at}${key}`, text });
      valid = false;
    };
    for (const key of Object.keys(rule)) {
      if (!RULE_KEYS.has(key)) fail(`.${key}`, 'is not a known setting (name, pathGroup, sources)');
    }
    let label = `rules[${index}]`;
    if (rule.name !== undefined) {
      if (typeof rule.name !== 'string' || !GROUP_NAME.test(rule.name)) {
        fail('.name', nameProblem('rule'));
      } else if (names.has(rule.name)) {
        fail('.name', `'${rule.name}' names another rule too`);
      } else {
        names.add(rule.name);
        label = rule.name;
      }
    }
    const paths = typeof rule.pathGroup === 'string' ? pathGroups.get(rule.pathGroup) : undefined;
    if (paths === undefined) {
      fail(
        '.pathGroup',
        typeof rule.pathGroup === 'string'
          ? `'${rule.pathGroup}' is not a path group${known(pathGroups)}`
          : 'is required: the name of a path group',
      );
    }
    const sources = resolveSourceList(rule.sources, sourceGroups, (key, text) =>
      fail(`.sources${key}`, text),
    );
    if (valid && paths !== undefined && sources !== undefined) {
      rules.push({ label, pathGroup: rule.pathGroup as string, paths, sources });
    }
  });
  return rules;
}

/**
 * Resolves a list of sources (CIDR blocks, addresses, VCN OCIDs, source group names). Reports
 * each problem through `fail(key, text)` (key `[i]` or empty) and returns undefined if any.
 */
export function resolveSourceList(
  value: unknown,
  sourceGroups: ReadonlyMap<string, readonly SourceAtom[]>,
  fail: (key: string, text: string) => void,
): ResolvedSource[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    fail('', 'must be a non-empty list of CIDR blocks, VCN OCIDs or source groups');
    return undefined;
  }
  const sources: ResolvedSource[] = [];
  let valid = true;
  value.forEach((item: unknown, index) => {
    const entry = parseSourceEntry(item);
    if (entry.kind === 'invalid') {
      fail(`[${index}]`, entry.problem);
      valid = false;
    } else if (entry.kind === 'name') {
      const atoms = sourceGroups.get(entry.name);
      if (atoms === undefined) {
        fail(
          `[${index}]`,
          `'${entry.name}' is neither a CIDR block, a VCN OCID nor a source group${known(sourceGroups)}`,
        );
        valid = false;
      } else sources.push({ label: entry.name, atoms });
    } else sources.push({ label: entry.text, atoms: [entry] });
  });
  return valid ? sources : undefined;
}

function known(groups: ReadonlyMap<string, unknown>): string {
  if (groups.size === 0) return ' (none is defined)';
  const names = [...groups.keys()];
  return ` (defined: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''})`;
}

function nameProblem(what: string): string {
  return `is not a valid ${what} name (a letter, then letters, digits, '-' or '_'; at most 64)`;
}
