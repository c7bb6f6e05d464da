/**
 * A binary trie over address bits: membership of one address in any number of CIDR blocks in
 * at most 32 (IPv4) or 128 (IPv6) steps, however many blocks there are. Nodes live in typed
 * arrays, so a lookup allocates nothing and a large rule set is a few compact buffers.
 *
 * A lookup stops at the first (shortest) block containing the address and returns the payload
 * that block was inserted with; blocks inside an already inserted block add nothing.
 */
export class AddressTrie {
  /** `zero[n]`/`one[n]`: child node for bit 0/1 (0 = none; the root is never a child). */
  private constructor(
    private readonly zero: Int32Array,
    private readonly one: Int32Array,
    private readonly payload: Int32Array,
  ) {}

  static readonly EMPTY = new AddressTrie(new Int32Array(1), new Int32Array(1), Int32Array.of(-1));

  /** @internal for the builder */
  static of(zero: number[], one: number[], payload: number[]): AddressTrie {
    return new AddressTrie(Int32Array.from(zero), Int32Array.from(one), Int32Array.from(payload));
  }

  get isEmpty(): boolean {
    return this.payload.length === 1 && this.payload[0] < 0;
  }

  /** Payload of the shortest block containing the IPv4 address (an unsigned 32-bit number), or -1. */
  lookupV4(address: number): number {
    const { zero, one, payload } = this;
    let node = 0;
    for (let bit = 31; bit >= 0; bit -= 1) {
      if (payload[node] >= 0) return payload[node];
      node = (address >>> bit) & 1 ? one[node] : zero[node];
      if (node === 0) return -1;
    }
    return payload[node];
  }

  /** Payload of the shortest block containing the IPv6 address (eight 16-bit parts), or -1. */
  lookupV6(parts: readonly number[]): number {
    const { zero, one, payload } = this;
    let node = 0;
    for (let bit = 0; bit < 128; bit += 1) {
      if (payload[node] >= 0) return payload[node];
      node = (parts[bit >> 4] >> (15 - (bit & 15))) & 1 ? one[node] : zero[node];
      if (node === 0) return -1;
    }
    return payload[node];
  }
}

export class AddressTrieBuilder {
  private readonly zero: number[] = [0];
  private readonly one: number[] = [0];
  private readonly payload: number[] = [-1];

  /**
   * Adds the block of `prefix` leading bits of `bytes` (4 or 16 bytes, network order). The first
   * payload inserted for a block is kept.
   */
  insert(bytes: readonly number[], prefix: number, payload: number): void {
    let node = 0;
    for (let bit = 0; bit < prefix; bit += 1) {
      if (this.payload[node] >= 0) return; // a shorter block already covers this one
      const side = (bytes[bit >> 3] >> (7 - (bit & 7))) & 1 ? this.one : this.zero;
      let child = side[node];
      if (child === 0) {
        child = this.payload.length;
        this.zero.push(0);
        this.one.push(0);
        this.payload.push(-1);
        side[node] = child;
      }
      node = child;
    }
    if (this.payload[node] < 0) {
      this.payload[node] = payload;
      // Lookups stop here now; the subtree below can never be reached.
      this.zero[node] = 0;
      this.one[node] = 0;
    }
  }

  /** Copies only the nodes a lookup can reach (insertions under a shorter block leave others). */
  build(): AddressTrie {
    const zero: number[] = [0];
    const one: number[] = [0];
    const payload: number[] = [this.payload[0]];
    const stack: [from: number, to: number][] = [[0, 0]];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      const [from, to] = next;
      for (const [source, target] of [
        [this.zero, zero],
        [this.one, one],
      ] as const) {
        const child = source[from];
        if (child === 0) continue;
        const copy = payload.length;
        zero.push(0);
        one.push(0);
        payload.push(this.payload[child]);
        target[to] = copy;
        stack.push([child, copy]);
      }
    }
    return AddressTrie.of(zero, one, payload);
  }
}
