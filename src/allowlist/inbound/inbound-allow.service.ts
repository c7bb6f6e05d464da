import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '../../config/gateway-config';
import {
  type CompiledInboundRules,
  compileInboundRules,
  type InboundRequest,
  InboundRulesError,
  prepareInboundRequest,
} from './compile-inbound-rules';
import type { InboundDecision } from './inbound-decision';
import { InboundRulesSettings } from './rules/inbound-rules.settings';
import { compileVendorSourceList, vendorOfPath } from './vendor-source-list';

/** Everything a decision reads, swapped as one object so a reload is atomic. */
interface AllowState {
  readonly settings: unknown;
  readonly vcnOcidHeader: string;
  readonly global: CompiledInboundRules;
  readonly vendorSources: ReadonlyMap<string, unknown>;
  readonly vendors: ReadonlyMap<string, CompiledInboundRules>;
}

const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;
const DEFAULT_VCN_OCID_HEADER = new InboundRulesSettings().vcnOcidHeader;

/**
 * Holds the compiled inbound allow rules (global, and each vendor's own source list) and decides
 * requests against them. `replace` is the live-reload entry point: it compiles first and swaps
 * only on success, so a bad new configuration leaves the running rules in place.
 */
@Injectable()
export class InboundAllowService {
  private state: AllowState;

  constructor(config: GatewayConfig) {
    this.state = buildState(config.allowlist.inbound, new Map());
  }

  /** The header carrying the VCN OCID (lower-case, as Node names headers). */
  get vcnOcidHeader(): string {
    return this.state.vcnOcidHeader;
  }

  /** The global rule set in force. */
  get rules(): CompiledInboundRules {
    return this.state.global;
  }

  /**
   * The settings the rules in force were compiled from (after any reload), and the vendors' own
   * source lists, for GET /admin/config.
   */
  inForce(): { settings: unknown; vendorSources: ReadonlyMap<string, unknown> } {
    return { settings: this.state.settings, vendorSources: this.state.vendorSources };
  }

  /** A vendor's own compiled source list, if it has one. */
  vendorRules(vendorName: string): CompiledInboundRules | undefined {
    return this.state.vendors.get(vendorName);
  }

  /**
   * New inbound settings (e.g. after SIGHUP). Vendor source lists are recompiled against the
   * new source groups too. Throws InboundRulesError listing every problem and keeps the rules
   * in force; nothing changes unless everything compiles.
   */
  replace(settings: InboundRulesSettings): void {
    this.state = buildState(settings, this.state.vendorSources);
  }

  /**
   * The vendors' own source lists, replacing any set before (`undefined` or absent: no list).
   * Entries may name `allowlist.inbound.sourceGroups`. Called by the vendor registry once the
   * vendors' settings are validated. Throws InboundRulesError and keeps the lists in force.
   */
  setVendorSourceLists(lists: Readonly<Record<string, readonly string[] | undefined>>): void {
    const sources = new Map<string, unknown>();
    for (const [vendor, list] of Object.entries(lists)) {
      if (list !== undefined) sources.set(vendor, list);
    }
    this.state = buildState(this.state.settings, sources);
  }

  /**
   * Global rules first; then, for a vendor's webhook path, that vendor's own list. The request
   * must pass both. Never throws on malformed input: it denies.
   */
  decide(request: InboundRequest): InboundDecision {
    const { global, vendors } = this.state;
    if (vendors.size === 0) return global.decide(request);
    const prepared = prepareInboundRequest(request);
    const decision = global.decidePrepared(prepared);
    if (!decision.allowed) return decision;
    const { readings } = prepared;
    if (readings === undefined) {
      // Only reachable with no global rules: a path that cannot be read might still be routed
      // to a vendor whose list would refuse the source, so it is refused.
      return {
        ...decision,
        allowed: false,
        reason: 'malformed-path',
        detail: prepared.pathProblem,
      };
    }
    let vendorDecision: InboundDecision | undefined;
    for (const [path, literal] of [
      [readings.resolved, false],
      [readings.literal, true],
    ] as const) {
      if (path === undefined) continue;
      const vendor = vendorOfPath(path);
      const list = vendor === undefined ? undefined : vendors.get(vendor);
      if (list === undefined) continue;
      const outcome = list.decidePath(path, prepared);
      if (!outcome.allowed) return literal ? { ...outcome, reading: 'literal' } : outcome;
      vendorDecision ??= outcome;
    }
    if (vendorDecision === undefined) return decision;
    return decision.rule === undefined
      ? vendorDecision
      : { ...vendorDecision, globalRule: decision.rule };
  }
}

function buildState(settings: unknown, vendorSources: ReadonlyMap<string, unknown>): AllowState {
  const problems: string[] = [];
  let global: CompiledInboundRules | undefined;
  try {
    global = compileInboundRules(settings);
  } catch (error) {
    if (!(error instanceof InboundRulesError)) throw error;
    problems.push(...error.problems);
  }
  const vendors = new Map<string, CompiledInboundRules>();
  for (const [vendor, list] of vendorSources) {
    try {
      vendors.set(vendor, compileVendorSourceList(vendor, list, settings));
    } catch (error) {
      if (!(error instanceof InboundRulesError)) throw error;
      problems.push(...error.problems);
    }
  }
  const header = headerOf(settings);
  if (header === undefined) {
    problems.push('allowlist.inbound.vcnOcidHeader: must be an HTTP header name');
  }
  if (problems.length > 0 || global === undefined || header === undefined) {
    throw new InboundRulesError(problems);
  }
  return Object.freeze({ settings, vcnOcidHeader: header, global, vendorSources, vendors });
}

function headerOf(settings: unknown): string | undefined {
  const value =
    typeof settings === 'object' && settings !== null
      ? (settings as { vcnOcidHeader?: unknown }).vcnOcidHeader
      : undefined;
  if (value === undefined) return DEFAULT_VCN_OCID_HEADER;
  return typeof value === 'string' && HEADER_NAME.test(value) ? value.toLowerCase() : undefined;
}
