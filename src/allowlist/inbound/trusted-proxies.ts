import { AddressTrie, AddressTrieBuilder } from './address-trie';
import { parseClientAddress } from './client-address';
import { InboundRulesError } from './compile-inbound-rules';
import { describeValue, parseCidr } from './rules/source-entry';

/** The names `proxy-addr` (Fastify's `trustProxy`) accepts, so one list can serve both. */
const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** The CIDR blocks of the proxies whose forwarding headers (and VCN OCID header) are believed. */
export class TrustedProxies {
  private constructor(
    private readonly v4: AddressTrie,
    private readonly v6: AddressTrie,
    readonly entries: readonly string[],
  ) {
    Object.freeze(this);
  }

  static readonly NONE = TrustedProxies.compile([]);

  /**
   * CIDR blocks, bare addresses, or `loopback` / `linklocal` / `uniquelocal`. Throws
   * InboundRulesError naming each bad entry under `label`.
   */
  static compile(entries: unknown, label = 'server.trustedProxies'): TrustedProxies {
    if (!Array.isArray(entries)) {
      throw new InboundRulesError([`${label}: must be a list of CIDR blocks`]);
    }
    const v4 = new AddressTrieBuilder();
    const v6 = new AddressTrieBuilder();
    const problems: string[] = [];
    entries.forEach((entry: unknown, index) => {
      const blocks = typeof entry === 'string' ? (NAMED_RANGES[entry] ?? [entry]) : [];
      if (blocks.length === 0)
        problems.push(`${label}[${index}]: ${describeValue(entry)} is not a string`);
      for (const text of blocks) {
        const block = parseCidr(text);
        if (block.kind === 'invalid') problems.push(`${label}[${index}]: ${block.problem}`);
        else (block.v6 ? v6 : v4).insert(block.bytes, block.prefix, 0);
      }
    });
    if (problems.length > 0) throw new InboundRulesError(problems);
    return new TrustedProxies(v4.build(), v6.build(), Object.freeze([...(entries as string[])]));
  }

  get isEmpty(): boolean {
    return this.v4.isEmpty && this.v6.isEmpty;
  }

  contains(address: unknown): boolean {
    const parsed = parseClientAddress(address);
    if (parsed === undefined) return false;
    return (parsed.v6 ? this.v6.lookupV6(parsed.parts) : this.v4.lookupV4(parsed.v4)) >= 0;
  }
}

/**
 * Whether the TCP peer (`request.socket.remoteAddress`, never a forwarded address) is a trusted
 * proxy, i.e. whether headers it sets about the client may be believed.
 */
export function isTrustedPeer(remoteAddress: unknown, trusted: TrustedProxies): boolean {
  return trusted.contains(remoteAddress);
}
