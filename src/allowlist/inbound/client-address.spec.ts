import { fuzzRuns } from '../../../test/support/fuzz-runs';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { parseClientAddress, parseDottedQuad, parseIPv6 } from './client-address';

describe('parseClientAddress', () => {
  it.each([
    ['203.0.113.9', { v6: false, v4: 0xcb007109 }],
    ['0.0.0.0', { v6: false, v4: 0 }],
    ['255.255.255.255', { v6: false, v4: 0xffffffff }],
    ['::ffff:203.0.113.9', { v6: false, v4: 0xcb007109 }],
    ['::FFFF:cb00:7109', { v6: false, v4: 0xcb007109 }],
    ['::1', { v6: true, parts: [0, 0, 0, 0, 0, 0, 0, 1] }],
    ['fe80::1%eth0', { v6: true, parts: [0xfe80, 0, 0, 0, 0, 0, 0, 1] }],
    ['2001:db8::', { v6: true, parts: [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0] }],
  ])('reads %s', (text, expected) => {
    expect(parseClientAddress(text)).toEqual(expected);
  });

  it.each([
    '',
    'localhost',
    '01.2.3.4',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '0x7f.0.0.1',
    '3232235777',
    '1.2.3.4 ',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1::2:3:4:5:6:7:8',
    '12345::',
    '1:',
    ':1',
    'fe80::1%',
    '::ffff:1.2.3',
    'g::1',
    '1.2.3.4/32',
  ])('refuses %j', (text) => {
    expect(parseClientAddress(text)).toBeUndefined();
  });

  it('refuses non-strings and very long strings without throwing', () => {
    for (const value of [undefined, null, 42, {}, ['1.2.3.4'], '1'.repeat(10_000)]) {
      expect(parseClientAddress(value)).toBeUndefined();
    }
  });

  it('reads every IPv4 address as ipaddr.js does', () => {
    fc.assert(
      fc.property(fc.ipV4(), (text) => {
        expect(parseDottedQuad(text)).toBe(
          ipaddr.IPv4.parse(text).octets.reduce((value, octet) => value * 256 + octet, 0),
        );
      }),
      { numRuns: fuzzRuns(10_000) },
    );
  });

  it('reads every IPv6 form as ipaddr.js does', () => {
    fc.assert(
      fc.property(fc.ipV6(), (text) => {
        expect(parseIPv6(text)).toEqual(ipaddr.IPv6.parse(text).parts);
      }),
      { numRuns: fuzzRuns(10_000) },
    );
  });

  it('never throws on arbitrary text, and whatever it accepts ipaddr.js reads the same', () => {
    const alphabet = fc.constantFrom(...'0123456789abcdefABCDEF:.%/ g'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 45 }), (text) => {
        const parsed = parseClientAddress(text);
        if (parsed === undefined) return;
        const reference = ipaddr.process(text);
        if (parsed.v6) {
          expect(reference.kind()).toBe('ipv6');
          expect((reference as ipaddr.IPv6).parts).toEqual(parsed.parts);
        } else {
          expect(reference.toString()).toBe(ipaddr.fromByteArray(toBytes(parsed.v4)).toString());
        }
      }),
      { numRuns: fuzzRuns(20_000) },
    );
  });
});

function toBytes(v4: number): number[] {
  return [v4 >>> 24, (v4 >>> 16) & 255, (v4 >>> 8) & 255, v4 & 255];
}
