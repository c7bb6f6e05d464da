import { InboundRulesError } from './compile-inbound-rules';
import { compileVendorSourceList, vendorOfPath } from './vendor-source-list';

const settings = {
  sourceGroups: { 'bandwidth-edge': ['216.82.224.0/21', '2600:1f18::/32'] },
};

describe('compileVendorSourceList', () => {
  const list = compileVendorSourceList(
    'bandwidth',
    ['bandwidth-edge', '198.51.100.7', 'ocid1.vcn.oc1.iad.aaaaaaaabandwidth'],
    settings,
  );

  it('covers exactly the vendor webhook path, with its own list name', () => {
    expect(list.list).toBe('vendor:bandwidth');
    expect(
      list.decide({ path: '/vendors/bandwidth/webhook', address: '216.82.230.1' }),
    ).toMatchObject({ allowed: true, list: 'vendor:bandwidth', source: 'bandwidth-edge' });
    expect(
      list.decide({ path: '/Vendors/Bandwidth/Webhook/', address: '198.51.100.7' }).allowed,
    ).toBe(true);
    expect(list.decide({ path: '/vendors/bandwidth/webhook', address: '192.0.2.1' })).toMatchObject(
      {
        allowed: false,
        reason: 'source-not-allowed',
        rules: ['vendor:bandwidth'],
      },
    );
    expect(list.decide({ path: '/vendors/infobip/webhook', address: '216.82.230.1' }).reason).toBe(
      'path-not-covered',
    );
    expect(
      list.decide({
        path: '/vendors/bandwidth/webhook',
        address: '10.0.0.1',
        vcnOcid: 'ocid1.vcn.oc1.iad.aaaaaaaabandwidth',
      }).allowed,
    ).toBe(true);
  });

  it('names each bad entry under the vendor setting', () => {
    let error: unknown;
    try {
      compileVendorSourceList('bandwidth', ['nope', '10.0.0.0/40'], settings);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InboundRulesError);
    expect((error as InboundRulesError).problems).toEqual([
      "vendors.bandwidth.allowedSources[0]: 'nope' is neither a CIDR block, a VCN OCID nor a source group (defined: bandwidth-edge)",
      "vendors.bandwidth.allowedSources[1]: '10.0.0.0/40': the prefix length must be 0 to 32",
    ]);
    expect(() =>
      compileVendorSourceList('bandwidth', [], settings, { label: 'x.sources' }),
    ).toThrow(/x\.sources: must be a non-empty list/);
    expect(() => compileVendorSourceList('Band/width', ['10.0.0.0/8'], settings)).toThrow(
      InboundRulesError,
    );
  });

  it('tells which vendor a normalized path is the webhook of', () => {
    expect(vendorOfPath('/vendors/twilio/webhook')).toBe('twilio');
    expect(vendorOfPath('/vendors/twilio/webhook/x')).toBeUndefined();
    expect(vendorOfPath('/vendors/twilio')).toBeUndefined();
  });
});
