import { clientOf, readClient, rememberedClientOf } from './forwarded-client';
import { TrustedProxies } from './trusted-proxies';

const PROXIES = TrustedProxies.compile(['10.0.0.0/8', '::1']);
const PROXY = '10.0.0.2';

describe('readClient', () => {
  it('is the peer when the peer is no trusted proxy, whatever the header says', () => {
    expect(readClient('192.0.2.1', '203.0.113.7', PROXIES)).toEqual({
      client: '192.0.2.1',
      peer: '192.0.2.1',
      hops: 0,
    });
  });

  it('is the peer when a trusted proxy sends no header', () => {
    expect(readClient(PROXY, undefined, PROXIES).client).toBe(PROXY);
  });

  it.each([
    ['203.0.113.7', '203.0.113.7', 1],
    ['203.0.113.7 , 10.0.0.9', '203.0.113.7', 2],
    // The nearest untrusted hop: what the client wrote to its left does not count.
    ['198.51.100.1, 203.0.113.7', '203.0.113.7', 1],
    ['::ffff:203.0.113.7', '::ffff:203.0.113.7', 1],
    // Every hop trusted: the leftmost, as proxy-addr reads it.
    ['10.1.1.1, 10.0.0.9', '10.1.1.1', 2],
    // A broken element left of the client is never reached.
    ['junk,, 203.0.113.7', '203.0.113.7', 1],
  ])('reads %p through trusted proxies as %s', (header, client, hops) => {
    expect(readClient(PROXY, header, PROXIES)).toEqual({ client, peer: PROXY, hops });
  });

  it.each([
    // Issue 16: proxy-addr skipped the empty elements and read 203.0.113.7.
    ['203.0.113.7,,', '', 1],
    ['203.0.113.7, , ', '', 1],
    ['203.0.113.7,', '', 1],
    ['', '', 1],
    ['203.0.113.7, 10.0.0.9, ,10.0.0.8', '', 2],
    ['203.0.113.7, junk', 'junk', 1],
    ['203.0.113.7, 198.51.100.1:443', '198.51.100.1:443', 1],
    ['203.0.113.7, [2001:db8::1]', '[2001:db8::1]', 1],
    ['203.0.113.7, 010.0.0.1', '010.0.0.1', 1],
    ['203.0.113.7, unknown', 'unknown', 1],
  ])('reads %p as an unknown client (the walk ends at %p)', (header, unreadable, hops) => {
    expect(readClient(PROXY, header, PROXIES)).toEqual({ peer: PROXY, hops, unreadable });
  });

  it('reads repeated headers as one list', () => {
    expect(readClient(PROXY, ['203.0.113.7', ''], PROXIES)).toEqual({
      peer: PROXY,
      hops: 1,
      unreadable: '',
    });
    expect(readClient(PROXY, ['198.51.100.1', '203.0.113.7'], PROXIES).client).toBe('203.0.113.7');
  });

  it('does not walk a header longer than any proxy chain', () => {
    const long = `${'10.0.0.1, '.repeat(500)}203.0.113.7`;
    expect(readClient(PROXY, long, PROXIES)).toEqual({
      peer: PROXY,
      hops: 0,
      unreadable: `(${long.length} characters)`,
    });
  });

  it('is the peer (or unknown) with no trusted proxies configured', () => {
    expect(readClient(PROXY, '203.0.113.7', TrustedProxies.NONE).client).toBe(PROXY);
    expect(readClient(undefined, '203.0.113.7', PROXIES).client).toBeUndefined();
  });
});

describe('clientOf', () => {
  it('reads a request once and remembers it for the log lines', () => {
    const raw = {};
    const request = {
      raw,
      headers: { 'x-forwarded-for': '203.0.113.7,,' },
      socket: { remoteAddress: PROXY },
    };
    expect(rememberedClientOf(request)).toBeUndefined();
    const reading = clientOf(request, PROXIES);
    expect(reading.client).toBeUndefined();
    expect(rememberedClientOf({ raw })).toBe(reading);
    expect(clientOf(request, PROXIES)).toBe(reading);
  });
});
