import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../common/problem/config-error';
import { loadGatewayConfig } from '../../../config/load-config';
import { compileInboundRules } from '../compile-inbound-rules';

/** The real configuration loader, reading a real YAML file. */
function load(yaml: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'inbound-')), 'gateway.yaml');
  writeFileSync(file, yaml);
  return loadGatewayConfig({ GATEWAY_CONFIG: file });
}

function problemsOf(yaml: string): readonly string[] {
  try {
    load(yaml);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const VALID = `
allowlist:
  inbound:
    vcnOcidHeader: X-OCI-VCN-OCID
    sourceGroups:
      twilio-edge: [54.172.60.0/23, 54.244.51.0/24]
      corporate: [203.0.113.0/24, "2001:db8::/32", ocid1.vcn.oc1.iad.aaaaaaaexample]
    pathGroups:
      twilio-webhook: [{ exact: /vendors/twilio/webhook }]
      all-vendors: [{ prefix: /vendors/ }]
    rules:
      - { name: twilio, pathGroup: twilio-webhook, sources: [twilio-edge] }
      - pathGroup: all-vendors
        sources: [corporate, 198.51.100.7]
`;

describe('InboundRulesSettings (allowlist.inbound)', () => {
  it('defaults to no rules and the x-oci-vcn-ocid header', () => {
    const inbound = loadGatewayConfig({}).allowlist.inbound;
    expect(inbound).toMatchObject({ sourceGroups: {}, pathGroups: {}, rules: [] });
    expect(inbound.vcnOcidHeader).toBe('x-oci-vcn-ocid');
    expect(compileInboundRules(inbound).isEmpty).toBe(true);
  });

  it('reads the documented YAML shape, which compiles', () => {
    const inbound = load(VALID).allowlist.inbound;
    expect(inbound.rules).toHaveLength(2);
    const rules = compileInboundRules(inbound);
    expect(rules.decide({ path: '/vendors/twilio/webhook', address: '54.244.51.9' })).toMatchObject(
      { allowed: true, rule: 'twilio' },
    );
  });

  it('stops start-up naming each offending entry under its setting', () => {
    const problems = problemsOf(`
allowlist:
  inbound:
    vcnOcidHeader: "bad header"
    sourceGroups:
      partners: [10.0.0.0/33]
    pathGroups:
      hooks: [{ exact: /vendors/twilio/webhook }, { prefx: /vendors/ }]
    rules:
      - { pathGroup: hooks, sources: [partners] }
      - { pathGroup: hooks, sources: [partners] }
      - { pathGroup: hooks, sources: [foo] }
    unknownSetting: 1
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        "allowlist.inbound.sourceGroups: partners[0]: '10.0.0.0/33': the prefix length must be 0 to 32",
        'allowlist.inbound.pathGroups: hooks[1]: a mapping must be { exact: <path> } or { prefix: <path> }',
        "allowlist.inbound.rules: [2].sources[0]: 'foo' is neither a CIDR block, a VCN OCID nor a source group (defined: partners)",
        'allowlist.inbound.vcnOcidHeader: must be an HTTP header name',
        'allowlist.inbound.unknownSetting: is not a known setting',
      ]),
    );
    expect(problems).toHaveLength(5);
  });
});
