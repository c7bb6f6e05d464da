/**
 * - `no-rules`: no rule is configured; every source is allowed.
 * - `path-not-covered`: rules exist but none covers the path: denied (see README, inbound).
 * - `source-allowed`: a rule covering the path names the request's source.
 * - `source-not-allowed`: rules cover the path, none names the source.
 * - `malformed-path` / `malformed-address`: the path or client address cannot be read: denied.
 */
export type InboundDecisionReason =
  | 'no-rules'
  | 'path-not-covered'
  | 'source-allowed'
  | 'source-not-allowed'
  | 'malformed-path'
  | 'malformed-address';

/**
 * Why a request was let in or turned away. Logged for an admin (never sent to the caller), so it
 * names rules and groups but stays small: covering rules and path groups are listed up to
 * `DECISION_LIST_LIMIT`, with the full count.
 */
export interface InboundDecision {
  readonly allowed: boolean;
  readonly reason: InboundDecisionReason;
  /** Which rule set decided: `global` or `vendor:<name>` (a vendor's own source list). */
  readonly list: string;
  /** The normalized path the decision is about. */
  readonly path?: string;
  /** Set when the path was judged as written (dot or empty segments kept); see README. */
  readonly reading?: 'literal';
  /** The client address as received. */
  readonly address?: string;
  /** The VCN OCID a trusted proxy reported, if any. */
  readonly vcnOcid?: string;
  /** Allowed: the rule that let the request in, its path group, the source group (or inline
   * entry) and the CIDR block or OCID that matched. */
  readonly rule?: string;
  readonly pathGroup?: string;
  readonly source?: string;
  readonly entry?: string;
  /** Allowed by a vendor's own list too: the global rule that allowed it (if rules exist). */
  readonly globalRule?: string;
  /** Denied: the rules covering the path and their path groups (first few), and how many. */
  readonly rules?: readonly string[];
  readonly ruleCount?: number;
  readonly pathGroups?: readonly string[];
  /** Malformed input: what is wrong with it. */
  readonly detail?: string;
}

export const DECISION_LIST_LIMIT = 5;
