/**
 * Inbound allow rules: compile time and average decision time with 10,000 seeded CIDR rules (and
 * at smaller sizes, to show a decision does not slow down as rules grow); target under 5 µs.
 * Method and figures: docs/benchmarks.md, "Inbound allow rules: decision time".
 *
 *   npx ts-node --transpile-only bench/allow-rules.bench.ts [--json] [--decisions N]
 */
import ipaddr from 'ipaddr.js';
import { compileInboundRules } from '../src/allowlist/inbound/compile-inbound-rules';
import type { InboundRequest } from '../src/allowlist/inbound/compile-inbound-rules';
import type {
  InboundRuleSettings,
  PathEntrySettings,
} from '../src/allowlist/inbound/rules/inbound-rules.settings';

const TARGET_NS = 5_000;
const SEED = 0x5eed_a11c;

/** mulberry32: small, fast, and the same sequence for the same seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Block {
  v6: boolean;
  bytes: number[];
  prefix: number;
}

const VENDORS = 100;
const API_GROUPS = 20;

function blockText(block: Block): string {
  return `${addressText(block.v6, block.bytes)}/${block.prefix}`;
}

function addressText(v6: boolean, bytes: readonly number[]): string {
  return v6 ? ipaddr.fromByteArray([...bytes]).toString() : bytes.join('.');
}

function randomBlock(random: () => number): Block {
  const v6 = random() < 0.3;
  const length = v6 ? 16 : 4;
  const bytes = Array.from({ length }, () => Math.floor(random() * 256));
  // IPv4 /8../32 (mostly /16 and longer, as real allowlists are), IPv6 /16../128.
  const prefix = v6
    ? 16 + Math.floor(random() * 113)
    : random() < 0.1
      ? 8 + Math.floor(random() * 8)
      : 16 + Math.floor(random() * 17);
  return { v6, bytes, prefix };
}

/** A random address inside a block. */
function addressIn(block: Block, random: () => number): number[] {
  const bytes = [...block.bytes];
  for (let bit = block.prefix; bit < bytes.length * 8; bit += 1) {
    const mask = 1 << (7 - (bit & 7));
    if (random() < 0.5) bytes[bit >> 3] |= mask;
    else bytes[bit >> 3] &= ~mask;
  }
  return bytes;
}

interface Scenario {
  settings: {
    sourceGroups: Record<string, string[]>;
    pathGroups: Record<string, PathEntrySettings[]>;
    rules: InboundRuleSettings[];
  };
  blocks: Block[];
  /** Per rule: its block and a path it covers, to build requests it allows. */
  granted: { block: Block; path: (random: () => number) => string }[];
}

function buildScenario(ruleCount: number, random: () => number): Scenario {
  const pathGroups: Record<string, PathEntrySettings[]> = {
    'all-vendors': [{ prefix: '/vendors/' }],
  };
  for (let k = 0; k < VENDORS; k += 1) {
    pathGroups[`vendor-${k}`] = [{ exact: `/vendors/vendor-${k}/webhook` }];
  }
  for (let k = 0; k < API_GROUPS; k += 1) {
    pathGroups[`api-${k}`] = [{ prefix: `/api/${k}/` }, { exact: `/status/${k}` }];
  }
  const partnerBlocks = Array.from({ length: 20 }, () => randomBlock(random));
  const sourceGroups = {
    partners: [...partnerBlocks.map(blockText), 'ocid1.vcn.oc1.iad.aaaaaaaabenchmarkvcn'],
  };
  const blocks: Block[] = [...partnerBlocks];
  const rules: InboundRuleSettings[] = [];
  const granted: Scenario['granted'] = [];
  for (let i = 0; i < ruleCount; i += 1) {
    const slot = i % 10;
    const pathGroup =
      slot === 0 ? 'all-vendors' : slot <= 7 ? `vendor-${i % VENDORS}` : `api-${i % API_GROUPS}`;
    const block = randomBlock(random);
    blocks.push(block);
    granted.push({
      block,
      path:
        slot === 0
          ? (r) => `/vendors/vendor-${Math.floor(r() * VENDORS)}/webhook`
          : slot <= 7
            ? () => `/vendors/vendor-${i % VENDORS}/webhook`
            : (r) => `/api/${i % API_GROUPS}/calls/${Math.floor(r() * 1000)}`,
    });
    rules.push({
      pathGroup,
      sources: i % 100 === 0 ? ['partners', blockText(block)] : [blockText(block)],
    });
  }
  return { settings: { sourceGroups, pathGroups, rules }, blocks, granted };
}

/** Requests: covered and uncovered paths (some with queries, case or dot tricks), addresses
 * inside configured blocks (often allowed) and random ones (mostly denied), IPv4, IPv4-mapped
 * IPv6 and IPv6. */
function buildRequests(scenario: Scenario, count: number, random: () => number): InboundRequest[] {
  const requests: InboundRequest[] = [];
  for (let i = 0; i < count; i += 1) {
    if (random() < 0.3) {
      // A request some rule allows: the rule's path, an address inside its block.
      const rule = scenario.granted[Math.floor(random() * scenario.granted.length)];
      const bytes = addressIn(rule.block, random);
      requests.push({ path: rule.path(random), address: addressText(rule.block.v6, bytes) });
      continue;
    }
    const pick = random();
    const k = Math.floor(random() * VENDORS);
    const path =
      pick < 0.55
        ? `/vendors/vendor-${k}/webhook`
        : pick < 0.6
          ? `/vendors/vendor-${k}/webhook?AccountSid=AC123&x=1`
          : pick < 0.65
            ? `/Vendors/Vendor-${k}/Webhook`
            : pick < 0.8
              ? `/api/${k % API_GROUPS}/calls/${k}`
              : pick < 0.83
                ? `/vendors/vendor-${k}/../vendor-${k}/webhook`
                : `/uncovered/${k}/path`;
    let v6: boolean;
    let bytes: number[];
    if (random() < 0.5) {
      const block = scenario.blocks[Math.floor(random() * scenario.blocks.length)];
      v6 = block.v6;
      bytes = addressIn(block, random);
    } else {
      v6 = random() < 0.4;
      bytes = Array.from({ length: v6 ? 16 : 4 }, () => Math.floor(random() * 256));
    }
    const mapped = !v6 && random() < 0.2;
    const address = mapped ? `::ffff:${bytes.join('.')}` : addressText(v6, bytes);
    requests.push({ path, address, vcnOcid: i % 50 === 0 ? 'ocid1.vcn.oc1.iad.other' : undefined });
  }
  return requests;
}

interface Measurement {
  rules: number;
  cidrBlocks: number;
  compileMs: number;
  decisions: number;
  averageNs: number;
  allowedShare: number;
  reasons: Record<string, number>;
}

function measure(ruleCount: number, decisions: number): Measurement {
  const random = prng(SEED ^ ruleCount);
  const scenario = buildScenario(ruleCount, random);
  const requests = buildRequests(scenario, 8192, random);

  const compileStart = process.hrtime.bigint();
  const compiled = compileInboundRules(scenario.settings);
  const compileMs = Number(process.hrtime.bigint() - compileStart) / 1e6;

  const mask = requests.length - 1;
  const reasons: Record<string, number> = {};
  for (let i = 0; i < 200_000; i += 1) compiled.decide(requests[i & mask]); // warm-up (JIT)
  let allowed = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < decisions; i += 1) {
    const decision = compiled.decide(requests[i & mask]);
    if (decision.allowed) allowed += 1;
    reasons[decision.reason] = (reasons[decision.reason] ?? 0) + 1;
  }
  const elapsedNs = Number(process.hrtime.bigint() - start);
  return {
    rules: ruleCount,
    cidrBlocks: scenario.blocks.length,
    compileMs: Math.round(compileMs * 10) / 10,
    decisions,
    averageNs: Math.round((elapsedNs / decisions) * 10) / 10,
    allowedShare: Math.round((allowed / decisions) * 1000) / 1000,
    reasons,
  };
}

function main(): void {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const decisionsAt = args.indexOf('--decisions');
  const decisions = decisionsAt >= 0 ? Number(args[decisionsAt + 1]) : 2_000_000;
  if (!Number.isInteger(decisions) || decisions < 1_000_000) {
    throw new Error('--decisions must be an integer of at least 1000000');
  }
  const scaling = [10, 100, 1_000].map((size) => measure(size, decisions / 2));
  const main = measure(10_000, decisions);
  const result = {
    node: process.version,
    seed: SEED,
    targetNs: TARGET_NS,
    targetMet: main.averageNs < TARGET_NS,
    main,
    scaling: [...scaling, main].map(({ rules, compileMs, averageNs }) => ({
      rules,
      compileMs,
      averageNs,
    })),
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const line = (m: Measurement): string =>
    `${String(m.rules).padStart(6)} rules  compile ${String(m.compileMs).padStart(8)} ms  ` +
    `decision ${String(m.averageNs).padStart(7)} ns avg`;
  process.stdout.write('Inbound allow rules (seeded, repeatable)\n');
  for (const m of [...scaling, main]) process.stdout.write(`${line(m)}\n`);
  process.stdout.write(
    `\n10,000 rules (${main.cidrBlocks} CIDR blocks): ${main.decisions} decisions, ` +
      `${(main.averageNs / 1000).toFixed(3)} µs average, ${(main.allowedShare * 100).toFixed(1)}% allowed\n` +
      `reasons: ${JSON.stringify(main.reasons)}\n` +
      `target < ${TARGET_NS / 1000} µs: ${result.targetMet ? 'met' : 'NOT met'}\n`,
  );
}

main();
