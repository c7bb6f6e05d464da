import { DECISION_LIST_LIMIT } from './inbound-decision';
import type { ResolvedRule } from './rules/resolve-inbound-settings';
import { SourceMatcher } from './source-matcher';

/**
 * What covers one path: the matchers to try (most specific first) and, for a refusal's log, the
 * covering rules and path groups. Built once per distinct situation at compile time.
 */
export interface Coverage {
  readonly matchers: readonly SourceMatcher[];
  readonly rules: readonly string[];
  readonly ruleCount: number;
  readonly pathGroups: readonly string[];
}

class PathNode {
  readonly children = new Map<string, PathNode>();
  readonly prefixRules = new Set<number>();
  readonly exactRules = new Set<number>();
  /** Coverage of a path under this node: prefix entries here and above. */
  underPrefix?: Coverage;
  /** Coverage of exactly this node's path: the above plus exact entries here. */
  exact?: Coverage;
}

/**
 * The configured paths as a tree of segments. A lookup walks the request path's segments down
 * the tree (one map lookup each) and stops where the tree ends, so its cost depends on the depth
 * of the configured paths, not on how many there are. Prefixes match on segment boundaries by
 * construction: `/vendors/tw` is a child `tw`, which `/vendors/twilio` never walks into.
 */
export class PathIndex {
  private constructor(private readonly root: PathNode) {}

  static build(rules: readonly ResolvedRule[]): PathIndex {
    const root = new PathNode();
    rules.forEach((rule, index) => {
      for (const entry of rule.paths) {
        const node = nodeFor(root, entry.path);
        (entry.match === 'prefix' ? node.prefixRules : node.exactRules).add(index);
      }
    });
    const matcherCache = new Map<string, SourceMatcher>();
    const matcherFor = (indices: readonly number[]): SourceMatcher => {
      const key = indices.join(',');
      let matcher = matcherCache.get(key);
      if (!matcher) {
        matcher = SourceMatcher.build(indices.map((index) => rules[index]));
        matcherCache.set(key, matcher);
      }
      return matcher;
    };
    const coverage = (matchers: SourceMatcher[], indices: ReadonlySet<number>): Coverage => {
      const sorted = [...indices].sort((a, b) => a - b);
      const groups = [...new Set(sorted.map((index) => rules[index].pathGroup))];
      return Object.freeze({
        matchers: Object.freeze(matchers),
        rules: Object.freeze(sorted.slice(0, DECISION_LIST_LIMIT).map((i) => rules[i].label)),
        ruleCount: sorted.length,
        pathGroups: Object.freeze(groups.slice(0, DECISION_LIST_LIMIT)),
      });
    };

    const visit = (
      node: PathNode,
      inherited: readonly SourceMatcher[],
      inheritedRules: ReadonlySet<number>,
      inheritedCoverage: Coverage | undefined,
    ): void => {
      let matchers = inherited;
      let ruleIndices = inheritedRules;
      node.underPrefix = inheritedCoverage;
      if (node.prefixRules.size > 0) {
        const own = [...node.prefixRules].sort((a, b) => a - b);
        // Deeper (more specific) prefixes first: the rule reported is the most specific one.
        matchers = [matcherFor(own), ...inherited];
        ruleIndices = new Set([...inheritedRules, ...own]);
        node.underPrefix = coverage([...matchers], ruleIndices);
      }
      if (node.exactRules.size > 0) {
        const own = [...node.exactRules].sort((a, b) => a - b);
        node.exact = coverage([matcherFor(own), ...matchers], new Set([...ruleIndices, ...own]));
      }
      for (const child of node.children.values()) {
        visit(child, matchers, ruleIndices, node.underPrefix);
      }
    };
    visit(root, [], new Set(), undefined);
    return new PathIndex(root);
  }

  /** The coverage of a normalized path (or a literal reading of one), or undefined. */
  lookup(path: string): Coverage | undefined {
    let node = this.root;
    const length = path.length;
    if (length > 1) {
      let start = 1;
      for (;;) {
        let end = path.indexOf('/', start);
        if (end === -1) end = length;
        const child = node.children.get(path.slice(start, end));
        if (child === undefined) return node.underPrefix;
        node = child;
        if (end === length) break;
        start = end + 1;
      }
    }
    return node.exact ?? node.underPrefix;
  }
}

function nodeFor(root: PathNode, path: string): PathNode {
  let node = root;
  if (path === '/') return node;
  for (const segment of path.slice(1).split('/')) {
    let child = node.children.get(segment);
    if (!child) {
      child = new PathNode();
      node.children.set(segment, child);
    }
    node = child;
  }
  return node;
}
