import { fuzzRuns } from '../../../test/support/fuzz-runs';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { AddressTrieBuilder } from './address-trie';
import { parseClientAddress } from './client-address';
import { type CidrBlock, parseCidr } from './rules/source-entry';

function block(text: string): CidrBlock {
  const parsed = parseCidr(text);
  if (parsed.kind !== 'cidr') throw new Error(parsed.problem);
  return parsed;
}

/** Builds a trie of the blocks (payload = index) and answers for one address string. */
function lookup(blocks: readonly string[], address: string): number {
  const v4 = new AddressTrieBuilder();
  const v6 = new AddressTrieBuilder();
  blocks.forEach((text, index) => {
    const parsed = block(text);
    (parsed.v6 ? v6 : v4).insert(parsed.bytes, parsed.prefix, index);
  });
  const parsed = parseClientAddress(address);
  if (!parsed) throw new Error(`unparsable ${address}`);
  return parsed.v6 ? v6.build().lookupV6(parsed.parts) : v4.build().lookupV4(parsed.v4);
}

/** ipaddr.js's answer: `process` turns IPv4-mapped addresses into IPv4, as the gateway does. */
function oracle(blocks: readonly string[], address: string): boolean {
  const parsed = ipaddr.process(address);
  return blocks.some((text) => {
    const range = ipaddr.parseCIDR(text);
    return parsed.kind() === range[0].kind() && parsed.match(range);
  });
}

const v4Bytes = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 });
const v6Bytes = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 });
const v4Text = (bytes: readonly number[]): string => bytes.join('.');
const v6Text = (bytes: readonly number[]): string => ipaddr.fromByteArray([...bytes]).toString();

/** An address near a base: the base with its bits from `keep` on randomized, so it often hits. */
function near(base: readonly number[], keep: number, noise: readonly number[]): number[] {
  return base.map((byte, i) => {
    const bitsKept = Math.max(0, Math.min(8, keep - i * 8));
    const mask = bitsKept === 0 ? 0 : (0xff << (8 - bitsKept)) & 0xff;
    return (byte & mask) | (noise[i] & ~mask & 0xff);
  });
}

describe('AddressTrie', () => {
  it('finds an address in nested and disjoint IPv4 blocks, shortest block first', () => {
    const blocks = ['10.1.0.0/16', '10.0.0.0/8', '192.0.2.7/32', '198.51.100.0/24'];
    expect(lookup(blocks, '10.1.2.3')).toBe(1);
    expect(lookup(blocks, '10.200.0.1')).toBe(1);
    expect(lookup(blocks, '192.0.2.7')).toBe(2);
    expect(lookup(blocks, '192.0.2.8')).toBe(-1);
    expect(lookup(blocks, '198.51.100.255')).toBe(3);
    expect(lookup(blocks, '11.0.0.0')).toBe(-1);
  });

  it('treats /0 as everything of its family, and only of its family', () => {
    expect(lookup(['0.0.0.0/0'], '255.255.255.255')).toBe(0);
    expect(lookup(['0.0.0.0/0'], '2001:db8::1')).toBe(-1);
    expect(lookup(['::/0'], '2001:db8::1')).toBe(0);
    expect(lookup(['::/0'], '203.0.113.9')).toBe(-1);
  });

  it('matches IPv4-mapped IPv6 addresses against IPv4 blocks, and mapped blocks as IPv4', () => {
    expect(lookup(['203.0.113.0/24'], '::ffff:203.0.113.9')).toBe(0);
    expect(lookup(['::ffff:203.0.113.0/120'], '203.0.113.9')).toBe(0);
    expect(lookup(['203.0.113.0/24'], '::ffff:203.0.114.9')).toBe(-1);
  });

  it('keeps the first payload for a block inserted twice and ignores blocks inside it', () => {
    expect(lookup(['2001:db8::/32', '2001:db8::/32', '2001:db8:1::/48'], '2001:db8:1::5')).toBe(0);
  });

  it('agrees with ipaddr.js on IPv4 membership for random blocks and addresses', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(v4Bytes, fc.integer({ min: 0, max: 32 })), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.nat(),
        fc.integer({ min: 0, max: 32 }),
        v4Bytes,
        (ranges, pick, keep, noise) => {
          const blocks = ranges.map(([bytes, prefix]) => `${v4Text(bytes)}/${prefix}`);
          const base = ranges[pick % ranges.length][0];
          const address = v4Text(near(base, keep, noise));
          expect(lookup(blocks, address) >= 0).toBe(oracle(blocks, address));
        },
      ),
      { numRuns: fuzzRuns(10_000) },
    );
  });

  it('agrees with ipaddr.js on IPv6 membership for random blocks and addresses', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(v6Bytes, fc.integer({ min: 0, max: 128 })), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.nat(),
        fc.integer({ min: 0, max: 128 }),
        v6Bytes,
        (ranges, pick, keep, noise) => {
          const blocks = ranges.map(([bytes, prefix]) => `${v6Text(bytes)}/${prefix}`);
          const base = ranges[pick % ranges.length][0];
          const address = v6Text(near(base, keep, noise));
          // Blocks that would be read as IPv4 (mapped, /96+) are covered by their own test.
          fc.pre(!ipaddr.parse(address).toString().startsWith('::ffff:'));
          expect(lookup(blocks, address) >= 0).toBe(oracle(blocks, address));
        },
      ),
      { numRuns: fuzzRuns(10_000) },
    );
  });

  it('agrees with ipaddr.js for IPv4-mapped IPv6 addresses against IPv4 blocks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(v4Bytes, fc.integer({ min: 0, max: 32 })), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.nat(),
        fc.integer({ min: 0, max: 32 }),
        v4Bytes,
        fc.boolean(),
        (ranges, pick, keep, noise, hexForm) => {
          const blocks = ranges.map(([bytes, prefix]) => `${v4Text(bytes)}/${prefix}`);
          const v4 = near(ranges[pick % ranges.length][0], keep, noise);
          // Node prints the dotted form; the hex form (::ffff:cb00:7109) is the same address.
          const address = hexForm
            ? ipaddr.IPv4.parse(v4Text(v4)).toIPv4MappedAddress().toString()
            : `::ffff:${v4Text(v4)}`;
          expect(lookup(blocks, address) >= 0).toBe(oracle(blocks, address));
        },
      ),
      { numRuns: fuzzRuns(10_000) },
    );
  });
});
