import { GatewayConfig } from '../../config/gateway-config';
import { InboundRulesError } from './compile-inbound-rules';
import { InboundAllowService } from './inbound-allow.service';
import { InboundRulesSettings } from './rules/inbound-rules.settings';

function settingsOf(plain: Partial<InboundRulesSettings>): InboundRulesSettings {
  return Object.assign(new InboundRulesSettings(), plain);
}

function serviceWith(plain: Partial<InboundRulesSettings>): InboundAllowService {
  const config = new GatewayConfig();
  config.allowlist.inbound = settingsOf(plain);
  return new InboundAllowService(config);
}

const VENDORS_FROM_CORPORATE = {
  sourceGroups: { corporate: ['203.0.113.0/24'], 'bandwidth-edge': ['216.82.224.0/21'] },
  pathGroups: { vendors: [{ prefix: '/vendors' }] },
  rules: [{ pathGroup: 'vendors', sources: ['corporate', 'bandwidth-edge'] }],
};

describe('InboundAllowService', () => {
  it('starts from the configured rules', () => {
    const service = serviceWith(VENDORS_FROM_CORPORATE);
    expect(service.decide({ path: '/vendors/x/webhook', address: '203.0.113.9' }).allowed).toBe(
      true,
    );
    expect(service.decide({ path: '/vendors/x/webhook', address: '192.0.2.1' }).allowed).toBe(
      false,
    );
  });

  it('swaps in new rules that compile', () => {
    const service = serviceWith(VENDORS_FROM_CORPORATE);
    service.replace(settingsOf({ vcnOcidHeader: 'X-VCN' }));
    expect(service.rules.isEmpty).toBe(true);
    expect(service.vcnOcidHeader).toBe('x-vcn');
    expect(service.decide({ path: '/vendors/x/webhook', address: '192.0.2.1' }).reason).toBe(
      'no-rules',
    );
  });

  it('keeps the rules in force when new ones do not compile', () => {
    const service = serviceWith(VENDORS_FROM_CORPORATE);
    const before = service.rules;
    expect(() =>
      service.replace(
        settingsOf({ ...VENDORS_FROM_CORPORATE, rules: [{ pathGroup: 'nope', sources: ['x'] }] }),
      ),
    ).toThrow(InboundRulesError);
    expect(service.rules).toBe(before);
    expect(service.decide({ path: '/vendors/x/webhook', address: '192.0.2.1' }).allowed).toBe(
      false,
    );
  });

  it("requires a vendor's webhook to pass both the global rules and the vendor's own list", () => {
    const service = serviceWith(VENDORS_FROM_CORPORATE);
    service.setVendorSourceLists({ bandwidth: ['bandwidth-edge'], twilio: undefined });
    // Global allows corporate on every vendor path; bandwidth's own list does not name it.
    expect(
      service.decide({ path: '/vendors/bandwidth/webhook', address: '203.0.113.9' }),
    ).toMatchObject({ allowed: false, list: 'vendor:bandwidth', reason: 'source-not-allowed' });
    expect(
      service.decide({ path: '/vendors/bandwidth/webhook', address: '216.82.230.1' }),
    ).toMatchObject({ allowed: true, list: 'vendor:bandwidth', globalRule: 'rules[0]' });
    // Global refuses: the vendor list cannot widen it.
    expect(
      service.decide({ path: '/vendors/bandwidth/webhook', address: '192.0.2.1' }),
    ).toMatchObject({ allowed: false, list: 'global' });
    // Other vendors have no own list.
    expect(
      service.decide({ path: '/vendors/twilio/webhook', address: '203.0.113.9' }).allowed,
    ).toBe(true);
  });

  it('applies vendor lists without global rules, also to paths that resolve to the webhook', () => {
    const service = serviceWith({ sourceGroups: { edge: ['216.82.224.0/21'] } });
    service.setVendorSourceLists({ bandwidth: ['edge'] });
    expect(service.decide({ path: '/vendors/twilio/webhook', address: '192.0.2.1' }).reason).toBe(
      'no-rules',
    );
    expect(
      service.decide({ path: '/vendors/bandwidth/webhook', address: '192.0.2.1' }),
    ).toMatchObject({ allowed: false, list: 'vendor:bandwidth' });
    expect(
      service.decide({ path: '/vendors/bandwidth/webhook/x/..', address: '192.0.2.1' }),
    ).toMatchObject({ allowed: false, list: 'vendor:bandwidth' });
    expect(service.decide({ path: '/vendors/%2F', address: '216.82.230.1' })).toMatchObject({
      allowed: false,
      reason: 'malformed-path',
    });
  });

  it('recompiles vendor lists against new source groups, all or nothing', () => {
    const service = serviceWith(VENDORS_FROM_CORPORATE);
    service.setVendorSourceLists({ bandwidth: ['bandwidth-edge'] });
    const withoutEdge = { corporate: VENDORS_FROM_CORPORATE.sourceGroups.corporate };
    expect(() =>
      service.replace(
        settingsOf({ ...VENDORS_FROM_CORPORATE, sourceGroups: withoutEdge, rules: [] }),
      ),
    ).toThrow(/vendors\.bandwidth\.allowedSources\[0\]: 'bandwidth-edge' is neither/);
    expect(service.vendorRules('bandwidth')).toBeDefined();
    expect(() => service.setVendorSourceLists({ infobip: ['nope'] })).toThrow(InboundRulesError);
    expect(service.vendorRules('infobip')).toBeUndefined();
    expect(service.vendorRules('bandwidth')).toBeDefined();
  });
});
