import { fuzzRuns } from '../../../test/support/fuzz-runs';
import fc from 'fast-check';
import { compileInboundRules, InboundRulesError } from './compile-inbound-rules';
import { ConfigError } from '../../common/problem/config-error';
import type { InboundRuleSettings, PathEntrySettings } from './rules/inbound-rules.settings';

const OCID = 'ocid1.vcn.oc1.iad.amaaaaaaexamplevcn0001';

const settings = {
  sourceGroups: {
    'twilio-edge': ['54.172.60.0/23', '2600:1f18:4000::/40'],
    corporate: ['203.0.113.0/24', OCID],
  },
  pathGroups: {
    'twilio-webhook': [{ exact: '/vendors/twilio/webhook' }],
    'all-vendors': [{ prefix: '/vendors/' }],
    status: [{ exact: '/status' }, { prefix: '/health' }],
  },
  rules: [
    { name: 'twilio', pathGroup: 'twilio-webhook', sources: ['twilio-edge'] },
    { pathGroup: 'all-vendors', sources: ['corporate', '198.51.100.7'] },
    { pathGroup: 'status', sources: ['0.0.0.0/0', '::/0'] },
  ],
};

const rules = compileInboundRules(settings);
const decide = (path: string, address: string, vcnOcid?: string) =>
  rules.decide({ path, address, vcnOcid });

function problemsOf(input: unknown): readonly string[] {
  try {
    compileInboundRules(input);
  } catch (error) {
    if (error instanceof InboundRulesError) return error.problems;
    throw error;
  }
  throw new Error('expected an InboundRulesError');
}

describe('compileInboundRules: decisions', () => {
  it('allows everything, from everywhere, when there are no rules', () => {
    const empty = compileInboundRules({});
    expect(empty.isEmpty).toBe(true);
    expect(empty.decide({ path: '/anything', address: 'not an address' })).toEqual({
      allowed: true,
      reason: 'no-rules',
      list: 'global',
    });
  });

  it('allows a source a covering rule names, and says which rule, group and block', () => {
    expect(decide('/vendors/twilio/webhook', '54.172.61.5')).toEqual({
      allowed: true,
      reason: 'source-allowed',
      list: 'global',
      path: '/vendors/twilio/webhook',
      address: '54.172.61.5',
      vcnOcid: undefined,
      rule: 'twilio',
      pathGroup: 'twilio-webhook',
      source: 'twilio-edge',
      entry: '54.172.60.0/23',
    });
  });

  it('lets any covering rule suffice', () => {
    // /vendors/twilio/webhook is covered by `twilio` (exact) and rules[1] (prefix /vendors/).
    expect(decide('/vendors/twilio/webhook', '203.0.113.50')).toMatchObject({
      allowed: true,
      rule: 'rules[1]',
      source: 'corporate',
    });
    expect(decide('/vendors/twilio/webhook', '198.51.100.7')).toMatchObject({
      allowed: true,
      source: '198.51.100.7',
    });
  });

  it('denies a source no covering rule names, listing the covering rules', () => {
    expect(decide('/vendors/twilio/webhook', '192.0.2.1')).toEqual({
      allowed: false,
      reason: 'source-not-allowed',
      list: 'global',
      path: '/vendors/twilio/webhook',
      address: '192.0.2.1',
      vcnOcid: undefined,
      rules: ['twilio', 'rules[1]'],
      ruleCount: 2,
      pathGroups: ['twilio-webhook', 'all-vendors'],
    });
    // twilio-edge is not named for other vendors' paths.
    expect(decide('/vendors/bandwidth/webhook', '54.172.61.5')).toMatchObject({
      allowed: false,
      reason: 'source-not-allowed',
      rules: ['rules[1]'],
    });
  });

  it('denies paths no rule covers', () => {
    expect(decide('/admin/reference-ids', '203.0.113.50')).toMatchObject({
      allowed: false,
      reason: 'path-not-covered',
      path: '/admin/reference-ids',
    });
  });

  it('matches prefixes on segment boundaries only', () => {
    const narrow = compileInboundRules({
      pathGroups: { tw: [{ prefix: '/vendors/tw' }] },
      rules: [{ pathGroup: 'tw', sources: ['0.0.0.0/0'] }],
    });
    expect(narrow.decide({ path: '/vendors/twilio', address: '1.2.3.4' }).reason).toBe(
      'path-not-covered',
    );
    expect(narrow.decide({ path: '/vendors/tw', address: '1.2.3.4' }).allowed).toBe(true);
    expect(narrow.decide({ path: '/vendors/tw/x', address: '1.2.3.4' }).allowed).toBe(true);
    for (const prefix of ['/vendors', '/vendors/', '/VENDORS//']) {
      const wide = compileInboundRules({
        pathGroups: { v: [{ prefix }] },
        rules: [{ pathGroup: 'v', sources: ['0.0.0.0/0'] }],
      });
      expect(wide.decide({ path: '/vendors/twilio/webhook', address: '1.2.3.4' }).allowed).toBe(
        true,
      );
      expect(wide.decide({ path: '/vendorsx', address: '1.2.3.4' }).allowed).toBe(false);
    }
  });

  it('matches exact paths only exactly (after normalization)', () => {
    expect(decide('/status', '1.2.3.4').allowed).toBe(true);
    expect(decide('/STATUS/?verbose=1', '1.2.3.4').allowed).toBe(true);
    expect(decide('/status/more', '1.2.3.4').reason).toBe('path-not-covered');
    expect(decide('/health/live/deep', '2001:db8::1').allowed).toBe(true);
  });

  it('normalizes the request path before matching', () => {
    for (const path of [
      '/Vendors/Twilio/Webhook',
      '/vendors/twilio/webhook/',
      '/vendors/twilio/webhook?AccountSid=AC1',
      '/vendors/%74wilio/webhook',
    ]) {
      expect(decide(path, '192.0.2.1')).toMatchObject({
        allowed: false,
        reason: 'source-not-allowed',
        path: '/vendors/twilio/webhook',
      });
    }
  });

  it('requires a path with dot or empty segments to pass under its literal reading too', () => {
    // Resolved, /status/../vendors/twilio/webhook is covered and denied for this source.
    expect(decide('/status/../vendors/twilio/webhook', '192.0.2.1').reason).toBe(
      'source-not-allowed',
    );
    // Resolved it is /status (open to all), but a router that does not resolve `..` sees a path
    // under /vendors/, which this source may not call.
    expect(decide('/vendors/x/../../status', '192.0.2.1')).toMatchObject({
      allowed: false,
      reading: 'literal',
      path: '/vendors/x/../../status',
      reason: 'source-not-allowed',
    });
    expect(decide('/health/x/../live', '192.0.2.1').allowed).toBe(true);
  });

  it('matches IPv4-mapped IPv6 addresses against IPv4 blocks', () => {
    expect(decide('/vendors/twilio/webhook', '::ffff:54.172.61.5')).toMatchObject({
      allowed: true,
      entry: '54.172.60.0/23',
    });
    expect(decide('/vendors/twilio/webhook', '2600:1f18:40ff::1')).toMatchObject({
      allowed: true,
      entry: '2600:1f18:4000::/40',
    });
  });

  it('matches a VCN OCID (case-insensitively) only when one is given', () => {
    expect(decide('/vendors/bandwidth/webhook', '10.0.0.8', OCID.toUpperCase())).toMatchObject({
      allowed: true,
      source: 'corporate',
      entry: OCID,
    });
    expect(decide('/vendors/bandwidth/webhook', '10.0.0.8').allowed).toBe(false);
    expect(
      decide('/vendors/bandwidth/webhook', '10.0.0.8', 'ocid1.vcn.oc1.iad.other').allowed,
    ).toBe(false);
  });

  it('denies malformed paths and addresses with a reason, when rules exist', () => {
    expect(decide('/vendors%2Ftwilio/webhook', '54.172.61.5')).toMatchObject({
      allowed: false,
      reason: 'malformed-path',
      detail: 'encodes a separator, a backslash or a percent sign',
    });
    expect(decide('/vendors/twilio/webhook', 'localhost')).toMatchObject({
      allowed: false,
      reason: 'malformed-address',
    });
  });

  it('lists at most five covering rules, with the full count', () => {
    const many = compileInboundRules({
      pathGroups: { all: [{ prefix: '/' }] },
      rules: Array.from({ length: 8 }, (_, i) => ({ pathGroup: 'all', sources: [`10.0.0.${i}`] })),
    });
    const decision = many.decide({ path: '/x', address: '192.0.2.1' });
    expect(decision.rules).toHaveLength(5);
    expect(decision.ruleCount).toBe(8);
  });

  it('is immutable', () => {
    expect(Object.isFrozen(rules)).toBe(true);
    const decision = decide('/vendors/twilio/webhook', '192.0.2.1');
    expect(Object.isFrozen(decision.rules)).toBe(true);
  });
});

describe('compileInboundRules: settings problems', () => {
  it('names every bad entry at once', () => {
    const problems = problemsOf({
      sourceGroups: {
        partners: ['10.0.0.0/33', 'ocid1.vcn.oc1', 'corporate', '01.2.3.4', 'fe80::1%eth0/64'],
        empty: [],
        'bad name': ['10.0.0.0/8'],
      },
      pathGroups: {
        hooks: [{ exact: 'vendors/twilio' }, { prefix: '/a', exact: '/b' }, '/plain'],
        q: [{ exact: '/status?x=1' }],
      },
      rules: [
        { pathGroup: 'hooks', sources: ['partners'] },
        { pathGroup: 'nope', sources: ['10.0.0.0/8'] },
        { pathGroup: 'hooks', sources: ['foo'] },
        { pathGroup: 'hooks', sources: [], extra: 1 },
        { name: 'dup', pathGroup: 'q', sources: ['::/0'] },
        { name: 'dup', pathGroup: 'q', sources: [42] },
        'not a rule',
      ],
    });
    expect(problems).toEqual([
      "allowlist.inbound.sourceGroups.partners[0]: '10.0.0.0/33': the prefix length must be 0 to 32",
      "allowlist.inbound.sourceGroups.partners[1]: 'ocid1.vcn.oc1' is not a VCN OCID (ocid1.vcn.<realm>.<region>.<unique id>)",
      "allowlist.inbound.sourceGroups.partners[2]: 'corporate': a source group lists CIDR blocks, addresses and VCN OCIDs, not other groups",
      "allowlist.inbound.sourceGroups.partners[3]: '01.2.3.4' is not a valid IPv4 address or block (use a.b.c.d/n)",
      "allowlist.inbound.sourceGroups.partners[4]: 'fe80::1%eth0/64' is not a valid IPv6 address or block",
      'allowlist.inbound.sourceGroups.empty: must be a non-empty list of sources',
      "allowlist.inbound.sourceGroups.bad name: is not a valid group name (a letter, then letters, digits, '-' or '_'; at most 64)",
      "allowlist.inbound.pathGroups.hooks[0].exact: 'vendors/twilio' is not a usable path: does not start with /",
      'allowlist.inbound.pathGroups.hooks[1]: a mapping must be { exact: <path> } or { prefix: <path> }',
      "allowlist.inbound.pathGroups.hooks[2]: '/plain' must be { exact: <path> } or { prefix: <path> }",
      "allowlist.inbound.pathGroups.q[0].exact: '/status?x=1' is not a usable path: has a query or fragment, which matching ignores",
      "allowlist.inbound.rules[1].pathGroup: 'nope' is not a path group (defined: hooks, q)",
      "allowlist.inbound.rules[2].sources[0]: 'foo' is neither a CIDR block, a VCN OCID nor a source group (defined: partners, empty)",
      'allowlist.inbound.rules[3].extra: is not a known setting (name, pathGroup, sources)',
      'allowlist.inbound.rules[3].sources: must be a non-empty list of CIDR blocks, VCN OCIDs or source groups',
      "allowlist.inbound.rules[5].name: 'dup' names another rule too",
      'allowlist.inbound.rules[5].sources[0]: 42 is not a string',
      "allowlist.inbound.rules[6]: 'not a rule' must be a { pathGroup, sources } rule",
    ]);
  });

  it('reports an empty group once, not again where a rule names it', () => {
    expect(
      problemsOf({
        sourceGroups: { partners: [] },
        pathGroups: { hooks: [] },
        rules: [{ pathGroup: 'hooks', sources: ['partners'] }],
      }),
    ).toEqual([
      'allowlist.inbound.sourceGroups.partners: must be a non-empty list of sources',
      'allowlist.inbound.pathGroups.hooks: must be a non-empty list of { exact: <path> } or { prefix: <path> }',
    ]);
  });

  it('is a ConfigError, so start-up reports it like any configuration problem', () => {
    expect(() => compileInboundRules({ rules: 'x' })).toThrow(ConfigError);
    expect(problemsOf(null)).toEqual(['allowlist.inbound: must be a mapping']);
  });

  it('accepts bare addresses, mapped blocks and host bits below the prefix', () => {
    const compiled = compileInboundRules({
      pathGroups: { all: [{ prefix: '/' }] },
      rules: [{ pathGroup: 'all', sources: ['192.0.2.9', '2001:db8::1', '10.1.2.3/8'] }],
    });
    expect(compiled.decide({ path: '/', address: '192.0.2.9' }).allowed).toBe(true);
    expect(compiled.decide({ path: '/', address: '192.0.2.10' }).allowed).toBe(false);
    expect(compiled.decide({ path: '/', address: '2001:db8::1' }).allowed).toBe(true);
    expect(compiled.decide({ path: '/', address: '10.200.0.1' }).allowed).toBe(true);
  });
});

/** Random small rule sets over a few paths and blocks, to check properties of the semantics. */
const segments = ['vendors', 'twilio', 'tw', 'webhook', 'health', 'a'];
const pathArb = fc
  .array(fc.constantFrom(...segments), { maxLength: 4 })
  .map((parts) => `/${parts.join('/')}`);
const entryArb: fc.Arbitrary<PathEntrySettings> = fc.oneof(
  pathArb.map((exact) => ({ exact })),
  pathArb.map((prefix) => ({ prefix })),
);
const blockArb = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 6, max: 32 }),
    )
    .map(([a, b, prefix]) => `10.${a}.${b}.0/${Math.min(prefix, 32)}`),
  fc.integer({ min: 0, max: 3 }).map((a) => `2001:db8:${a}::/48`),
);
const ruleArb: fc.Arbitrary<InboundRuleSettings> = fc.record({
  pathGroup: fc.constantFrom('g0', 'g1', 'g2'),
  sources: fc.array(blockArb, { minLength: 1, maxLength: 3 }),
});
const settingsArb = fc.record({
  pathGroups: fc.record({
    g0: fc.array(entryArb, { minLength: 1, maxLength: 3 }),
    g1: fc.array(entryArb, { minLength: 1, maxLength: 3 }),
    g2: fc.array(entryArb, { minLength: 1, maxLength: 3 }),
  }),
  rules: fc.array(ruleArb, { maxLength: 5 }),
});
const addressArb = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
    )
    .map(([a, b, c]) => `10.${a}.${b}.${c}`),
  fc.integer({ min: 0, max: 3 }).map((a) => `2001:db8:${a}::7`),
  fc.integer({ min: 0, max: 3 }).map((a) => `::ffff:10.${a}.0.1`),
);

describe('compileInboundRules: properties', () => {
  it('adding a rule never removes access another rule grants', () => {
    fc.assert(
      fc.property(settingsArb, ruleArb, pathArb, addressArb, (base, extra, path, address) => {
        fc.pre(base.rules.length > 0);
        const before = compileInboundRules(base).decide({ path, address });
        const after = compileInboundRules({ ...base, rules: [...base.rules, extra] }).decide({
          path,
          address,
        });
        if (before.allowed) expect(after.allowed).toBe(true);
      }),
      { numRuns: fuzzRuns(10_000) },
    );
  });

  it('a prefix covers exactly the paths that extend it by whole segments', () => {
    fc.assert(
      fc.property(pathArb, pathArb, (prefix, path) => {
        const compiled = compileInboundRules({
          pathGroups: { p: [{ prefix }] },
          rules: [{ pathGroup: 'p', sources: ['0.0.0.0/0'] }],
        });
        const covered = compiled.decide({ path, address: '1.2.3.4' }).allowed;
        const expected = prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
        expect(covered).toBe(expected);
      }),
      { numRuns: fuzzRuns(10_000) },
    );
  });

  it('decides malformed paths and addresses without throwing', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.anything()),
        fc.oneof(fc.string({ maxLength: 40 }), fc.anything()),
        fc.oneof(fc.string({ maxLength: 40 }), fc.anything()),
        (path, address, vcnOcid) => {
          const decision = rules.decide({ path, address, vcnOcid } as never);
          expect(typeof decision.allowed).toBe('boolean');
        },
      ),
      { numRuns: fuzzRuns(10_000) },
    );
  });

  it('compiles arbitrary settings only to a rule set or an InboundRulesError', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (sourceGroups, pathGroups, list) => {
        try {
          compileInboundRules({ sourceGroups, pathGroups, rules: list });
        } catch (error) {
          expect(error).toBeInstanceOf(InboundRulesError);
        }
      }),
      { numRuns: fuzzRuns(2_000) },
    );
  });
});
