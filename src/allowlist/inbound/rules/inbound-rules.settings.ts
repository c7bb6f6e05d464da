import {
  IsString,
  Matches,
  Validate,
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { resolveInboundSettings, type SettingsProblem } from './resolve-inbound-settings';

/** `{ exact: "/vendors/twilio/webhook" }` or `{ prefix: "/vendors/" }`: one key, not both. */
export interface PathEntrySettings {
  exact?: string;
  prefix?: string;
}

/** One allow rule: the path group it covers and the sources that may call those paths. */
export interface InboundRuleSettings {
  /** Optional; shown in decisions instead of `rules[<index>]`. */
  name?: string;
  pathGroup: string;
  /** Source group names, CIDR blocks, bare addresses (/32, /128) or VCN OCIDs. */
  sources: string[];
}

/**
 * Runs the full check of the inbound settings (names resolve, blocks and paths parse) and
 * reports the problems under the setting they belong to, each naming its entry.
 */
@ValidatorConstraint({ name: 'inboundRules' })
class InboundRulesConstraint implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    return problemsOf(args).length === 0;
  }

  defaultMessage(args: ValidationArguments): string {
    return problemsOf(args)
      .map((problem) => (problem.key === '' ? problem.text : `${problem.key}: ${problem.text}`))
      .join('; ');
  }
}

function problemsOf(args: ValidationArguments): SettingsProblem[] {
  const property = args.constraints[0] as string;
  return resolveInboundSettings(args.object).problems.filter(
    (problem) => problem.property === property,
  );
}

/**
 * `allowlist.inbound` in the gateway configuration: source groups, path groups and rules, as in
 * Oracle Utilities Cloud's inbound allowlist. No rules: every source is allowed (authentication
 * is still required). See `src/allowlist/README.md` for the matching semantics.
 *
 * ```yaml
 * allowlist:
 *   inbound:
 *     sourceGroups:
 *       twilio-edge: [54.172.60.0/23, 54.244.51.0/24]
 *       corporate: [203.0.113.0/24, "2001:db8::/32", ocid1.vcn.oc1.iad.aaaaaaaexample]
 *     pathGroups:
 *       twilio-webhook: [{ exact: /vendors/twilio/webhook }]
 *       all-vendors: [{ prefix: /vendors/ }]
 *     rules:
 *       - { name: twilio, pathGroup: twilio-webhook, sources: [twilio-edge] }
 *       - { pathGroup: all-vendors, sources: [corporate, 198.51.100.7] }
 * ```
 */
export class InboundRulesSettings {
  /** Group name → CIDR blocks, bare addresses and VCN OCIDs (groups do not nest). */
  @Validate(InboundRulesConstraint, ['sourceGroups'])
  sourceGroups: Record<string, string[]> = {};

  /** Group name → `{ exact: <path> }` / `{ prefix: <path> }` entries. */
  @Validate(InboundRulesConstraint, ['pathGroups'])
  pathGroups: Record<string, PathEntrySettings[]> = {};

  @Validate(InboundRulesConstraint, ['rules'])
  rules: InboundRuleSettings[] = [];

  /**
   * Header carrying the VCN OCID of a request that came through an OCI service gateway. Read
   * only when the connection comes from a trusted proxy; anyone else could set it.
   */
  @IsString()
  @Matches(/^[A-Za-z0-9-]{1,64}$/, { message: 'must be an HTTP header name' })
  vcnOcidHeader = 'x-oci-vcn-ocid';
}
