import { InboundRulesError } from './compile-inbound-rules';
import { isTrustedPeer, TrustedProxies } from './trusted-proxies';

describe('TrustedProxies', () => {
  it('trusts peers inside the listed blocks, including IPv4-mapped IPv6 peers', () => {
    const trusted = TrustedProxies.compile(['10.0.0.0/8', '2001:db8::/32', '192.0.2.7']);
    expect(isTrustedPeer('10.1.2.3', trusted)).toBe(true);
    expect(isTrustedPeer('::ffff:10.1.2.3', trusted)).toBe(true);
    expect(isTrustedPeer('2001:db8::5', trusted)).toBe(true);
    expect(isTrustedPeer('192.0.2.7', trusted)).toBe(true);
    expect(isTrustedPeer('192.0.2.8', trusted)).toBe(false);
    expect(isTrustedPeer(undefined, trusted)).toBe(false);
    expect(isTrustedPeer('garbage', trusted)).toBe(false);
  });

  it("understands proxy-addr's names, as Fastify's trustProxy does", () => {
    const trusted = TrustedProxies.compile(['loopback', 'uniquelocal']);
    expect(isTrustedPeer('127.0.0.1', trusted)).toBe(true);
    expect(isTrustedPeer('::1', trusted)).toBe(true);
    expect(isTrustedPeer('172.16.4.4', trusted)).toBe(true);
    expect(isTrustedPeer('fd00::1', trusted)).toBe(true);
    expect(isTrustedPeer('8.8.8.8', trusted)).toBe(false);
  });

  it('trusts nobody by default', () => {
    expect(TrustedProxies.NONE.isEmpty).toBe(true);
    expect(isTrustedPeer('127.0.0.1', TrustedProxies.NONE)).toBe(false);
  });

  it('names each bad entry', () => {
    expect.assertions(2);
    expect(() => TrustedProxies.compile(['10.0.0.0/8', 'proxy.local', 7])).toThrow(
      InboundRulesError,
    );
    try {
      TrustedProxies.compile(['10.0.0.0/8', '10.0.0.0/99', 7]);
    } catch (error) {
      expect((error as InboundRulesError).problems).toEqual([
        "server.trustedProxies[1]: '10.0.0.0/99': the prefix length must be 0 to 32",
        'server.trustedProxies[2]: 7 is not a string',
      ]);
    }
  });
});
