import { parseClientAddress } from './client-address';
import type { TrustedProxies } from './trusted-proxies';

/** Longest X-Forwarded-For value looked at, and longest element quoted in a log line. */
const MAX_HEADER_LENGTH = 4096;
const MAX_QUOTED_LENGTH = 64;

/** How the client address was read from the socket and X-Forwarded-For. */
export interface ClientReading {
  /** The client's address, or undefined when the chain cannot be read: an unknown source. */
  readonly client?: string;
  /** The TCP peer. */
  readonly peer?: string;
  /** X-Forwarded-For elements read, right to left, before the walk stopped. */
  readonly hops: number;
  /** Why the client is unknown: the element that ended the walk, as received. */
  readonly unreadable?: string;
}

/**
 * The client address: the socket's peer, or, while the hop just read is a trusted proxy, the
 * next X-Forwarded-For element from the right. An empty or malformed element ends the walk with
 * an unknown client, never with an element to its left: a trusted proxy that wrote a broken
 * element vouches for nothing beyond it, and skipping it would let the client's own text (left
 * of it) decide. Stricter than `@fastify/proxy-addr`, which drops empty elements and so read
 * `203.0.113.7,,` as 203.0.113.7; that is why Fastify's `trustProxy` is off (app.factory.ts)
 * and the guard, the throttler and the refusal log all read the client here.
 *
 * The `Forwarded` header (RFC 7239) is never read: proxies in front of the gateway send
 * X-Forwarded-For, and believing two headers would let a client pick the more generous one.
 */
export function readClient(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: TrustedProxies,
): ClientReading {
  if (peer === undefined || forwardedFor === undefined || !trusted.contains(peer)) {
    return { client: peer, peer, hops: 0 };
  }
  // Node joins repeated X-Forwarded-For headers with ", "; an array is joined the same way.
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(', ') : forwardedFor;
  if (header.length > MAX_HEADER_LENGTH) {
    return { peer, hops: 0, unreadable: `(${header.length} characters)` };
  }
  const elements = header.split(',');
  let client = peer;
  let hops = 0;
  for (let i = elements.length - 1; i >= 0 && trusted.contains(client); i -= 1) {
    const element = elements[i].trim();
    hops += 1;
    if (parseClientAddress(element) === undefined) {
      return { peer, hops, unreadable: element.slice(0, MAX_QUOTED_LENGTH) };
    }
    client = element;
  }
  return { client, peer, hops };
}

/** Readings by request (the raw Node request: one per HTTP request whatever wraps it). */
const readings = new WeakMap<object, ClientReading>();

interface RequestLike {
  readonly raw: object;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly socket?: { readonly remoteAddress?: string } | null;
}

/** `readClient` for a Fastify request, read once per request and remembered. */
export function clientOf(request: RequestLike, trusted: TrustedProxies): ClientReading {
  let reading = readings.get(request.raw);
  if (reading === undefined) {
    reading = readClient(
      request.socket?.remoteAddress ?? undefined,
      request.headers['x-forwarded-for'],
      trusted,
    );
    readings.set(request.raw, reading);
  }
  return reading;
}

/** The reading `clientOf` made for this request, if any step asked yet (for log lines). */
export function rememberedClientOf(request: { readonly raw: object }): ClientReading | undefined {
  return readings.get(request.raw);
}
