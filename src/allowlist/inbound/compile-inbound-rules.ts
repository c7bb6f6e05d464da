import { ConfigError } from '../../common/problem/config-error';
import { type ClientAddress, parseClientAddress } from './client-address';
import type { InboundDecision } from './inbound-decision';
import { PathIndex } from './path-index';
import { MalformedPathError, type PathReadings, readPath } from './rules/path-normalization';
import {
  formatProblem,
  type ResolvedRule,
  resolveInboundSettings,
} from './rules/resolve-inbound-settings';

/**
 * Inbound allow settings that cannot be compiled. Lists every problem, each naming its entry
 * (`allowlist.inbound.rules[2].sources[0]: ...`). A ConfigError, so start-up reports it as one.
 */
export class InboundRulesError extends ConfigError {
  constructor(problems: readonly string[]) {
    super(problems);
    this.name = 'InboundRulesError';
  }
}

/** What a decision needs from a request. `path` is the request target as received. */
export interface InboundRequest {
  readonly path: string;
  readonly address: string;
  /** From the configured header, and only when the peer is a trusted proxy. */
  readonly vcnOcid?: string;
}

/** A request read once, for deciding against several rule sets (global and a vendor's own). */
export interface PreparedInboundRequest {
  readonly readings?: PathReadings;
  readonly pathProblem?: string;
  readonly address?: ClientAddress;
  readonly addressText: string;
  /** Lower-cased. */
  readonly vcnOcid?: string;
}

/** Longest VCN OCID header value looked at; a longer one is ignored. */
const MAX_OCID_LENGTH = 255;

export function prepareInboundRequest(request: InboundRequest): PreparedInboundRequest {
  let readings: PathReadings | undefined;
  let pathProblem: string | undefined;
  try {
    readings = readPath(request.path);
  } catch (error) {
    if (!(error instanceof MalformedPathError)) throw error;
    pathProblem = error.reason;
  }
  const addressText = typeof request.address === 'string' ? request.address.slice(0, 64) : '';
  const ocid = request.vcnOcid;
  return {
    readings,
    pathProblem,
    address: parseClientAddress(request.address),
    addressText,
    vcnOcid:
      typeof ocid === 'string' && ocid.length > 0 && ocid.length <= MAX_OCID_LENGTH
        ? ocid.toLowerCase()
        : undefined,
  };
}

/**
 * An immutable, compiled inbound rule set. A decision walks the path's segments through a tree
 * of the configured paths, then tries each covering matcher (an address trie per distinct set of
 * rules): its cost depends on address width and configured path depth, not on the rule count.
 */
export class CompiledInboundRules {
  private readonly noRules: InboundDecision;

  constructor(
    /** `global`, or `vendor:<name>` for a vendor's own source list. */
    readonly list: string,
    /** How many rules were compiled. */
    readonly ruleCount: number,
    private readonly index: PathIndex,
  ) {
    this.noRules = Object.freeze({ allowed: true, reason: 'no-rules', list });
    Object.freeze(this);
  }

  /** `true` when no rule is configured: everything is allowed. */
  get isEmpty(): boolean {
    return this.ruleCount === 0;
  }

  decide(request: InboundRequest): InboundDecision {
    if (this.ruleCount === 0) return this.noRules;
    return this.decidePrepared(prepareInboundRequest(request));
  }

  /**
   * The decision for a prepared request. When the path has a literal reading that differs from
   * the resolved one, both must be allowed (see `PathReadings`).
   */
  decidePrepared(request: PreparedInboundRequest): InboundDecision {
    if (this.ruleCount === 0) return this.noRules;
    const { readings } = request;
    if (readings === undefined) {
      return {
        allowed: false,
        reason: 'malformed-path',
        list: this.list,
        address: request.addressText,
        detail: request.pathProblem,
      };
    }
    const resolved = this.decidePath(readings.resolved, request);
    if (!resolved.allowed || readings.literal === undefined) return resolved;
    const literal = this.decidePath(readings.literal, request);
    return literal.allowed ? resolved : { ...literal, reading: 'literal' };
  }

  /** The decision for one normalized path (or literal reading); no normalization here. */
  decidePath(path: string, request: PreparedInboundRequest): InboundDecision {
    if (this.ruleCount === 0) return this.noRules;
    const coverage = this.index.lookup(path);
    if (coverage === undefined) {
      return {
        allowed: false,
        reason: 'path-not-covered',
        list: this.list,
        path,
        address: request.addressText,
      };
    }
    const { address, vcnOcid } = request;
    if (address === undefined) {
      return {
        allowed: false,
        reason: 'malformed-address',
        list: this.list,
        path,
        address: request.addressText,
        detail: 'not an IPv4 or IPv6 address',
      };
    }
    for (const matcher of coverage.matchers) {
      const match = matcher.match(address, vcnOcid);
      if (match !== undefined) {
        return {
          allowed: true,
          reason: 'source-allowed',
          list: this.list,
          path,
          address: request.addressText,
          vcnOcid,
          rule: match.rule,
          pathGroup: match.pathGroup,
          source: match.source,
          entry: match.entry,
        };
      }
    }
    return {
      allowed: false,
      reason: 'source-not-allowed',
      list: this.list,
      path,
      address: request.addressText,
      vcnOcid,
      rules: coverage.rules,
      ruleCount: coverage.ruleCount,
      pathGroups: coverage.pathGroups,
    };
  }
}

/**
 * Compiles `allowlist.inbound` (pure: same settings, same rule set). Throws InboundRulesError
 * listing every problem; problems are named under `label`.
 */
export function compileInboundRules(
  settings: unknown,
  label = 'allowlist.inbound',
): CompiledInboundRules {
  const resolved = resolveInboundSettings(settings);
  if (resolved.problems.length > 0) {
    throw new InboundRulesError(resolved.problems.map((problem) => formatProblem(label, problem)));
  }
  return compileResolvedRules(resolved.rules, 'global');
}

/** @internal shared with the vendor source lists */
export function compileResolvedRules(
  rules: readonly ResolvedRule[],
  list: string,
): CompiledInboundRules {
  return new CompiledInboundRules(list, rules.length, PathIndex.build(rules));
}
