import {
  Agent as HttpAgent,
  type AgentOptions as HttpAgentOptions,
  type ClientRequestArgs,
} from 'node:http';
import {
  Agent as HttpsAgent,
  type AgentOptions as HttpsAgentOptions,
  type RequestOptions,
} from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { checkServerIdentity } from 'node:tls';
import { OutboundRefusedError } from '../../common/problem/gateway-error';
import { checkHost } from './check-outbound-target';
import type { OutboundPolicy } from './targets/outbound-policy';

/** What an agent needs from the guard: the policy in force, and where refusals are reported. */
export interface ConnectionGuard {
  policy(): OutboundPolicy;
  refused(error: OutboundRefusedError, purpose: string): void;
}

type Callback = (err: Error | null, stream: Duplex) => void;

/** A hostname as Node passes it to an agent: no separators, userinfo or escapes to re-parse. */
const PLAIN_HOST = /^[^\s/@?#\\%[\]:]+$/u;

/**
 * The last check before a socket: the host and port the agent is about to connect to, whoever
 * built the request (axios, node:https, a hand-made URL). Returns the options to connect with,
 * with everything a caller could use to go elsewhere or skip verification pinned down.
 */
function admit(
  guard: ConnectionGuard,
  scheme: 'https:' | 'http:',
  defaultPort: number,
  options: ClientRequestArgs,
): ClientRequestArgs | OutboundRefusedError {
  const rawHost = options.host ?? options.hostname ?? 'localhost';
  const port = Number(options.port ?? defaultPort);
  const target = `${scheme}//${rawHost.includes(':') ? `[${rawHost}]` : rawHost}:${port}`;
  const refuse = (reason: string) => new OutboundRefusedError(target.slice(0, 300), reason);
  if (options.socketPath) return refuse('unix socket paths are not allowed');
  const bare = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  if (isIP(bare) !== 6 && !PLAIN_HOST.test(bare)) return refuse('the host is not a plain name');
  if (!Number.isInteger(port) || port < 1 || port > 65535) return refuse('the port is invalid');
  const hostname = isIP(bare) === 6 ? `[${bare}]` : bare;
  const decision = checkHost(guard.policy(), scheme, hostname, port);
  if (typeof decision === 'string') return refuse(decision);
  // The URL parser's form of the host (punycode, dotted-decimal IPv4, no trailing dot) is the
  // one that was checked, so it is the one connected to.
  const parsed = new URL(`${scheme}//${hostname}/`).hostname.replace(/\.$/, '');
  const host = parsed.startsWith('[') ? parsed.slice(1, -1) : parsed;
  const pinned = guard.policy().hostAddresses.get(host);
  return {
    ...options,
    host,
    hostname: host,
    port,
    // The system resolver answers, or the configured fixed answer; never a caller's lookup,
    // which could map a listed name anywhere. TLS still verifies the certificate for `host`.
    lookup: pinned === undefined ? undefined : pinnedLookup(pinned),
    path: undefined,
    socketPath: undefined,
  };
}

/** A `dns.lookup` stand-in that answers one address, in both of its calling conventions. */
function pinnedLookup(address: string): NonNullable<ClientRequestArgs['lookup']> {
  const family = isIP(address);
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as NonNullable<ClientRequestArgs['lookup']>;
}

function deliver(
  guard: ConnectionGuard,
  error: OutboundRefusedError,
  callback: Callback | undefined,
): undefined {
  guard.refused(error, 'connection');
  if (!callback) throw error;
  // Node's Agent ignores the stream when an error is given; the request then emits the error.
  callback(error, undefined as unknown as Duplex);
  return undefined;
}

/**
 * An https.Agent that refuses off-list hosts and ports itself and always verifies the
 * certificate (system roots plus the configured bundle) against the name it connects to.
 */
export class GuardedHttpsAgent extends HttpsAgent {
  constructor(
    private readonly guard: ConnectionGuard,
    options: HttpsAgentOptions = {},
  ) {
    super({ keepAlive: true, ...options, rejectUnauthorized: true });
  }

  override createConnection(
    options: RequestOptions,
    callback?: Callback,
  ): Duplex | null | undefined {
    const admitted = admit(this.guard, 'https:', 443, options);
    if (admitted instanceof OutboundRefusedError) return deliver(this.guard, admitted, callback);
    const host = admitted.host as string;
    const ca = this.guard.policy().ca;
    const secured: RequestOptions = {
      ...admitted,
      rejectUnauthorized: true,
      checkServerIdentity,
      // SNI and the name the certificate must carry are the host connected to, never a Host
      // header or a caller's servername.
      servername: isIP(host) ? '' : host,
      ...(ca ? { ca: [...ca] } : {}),
    };
    return super.createConnection(secured, callback);
  }
}

/** The plain-http counterpart, for listed http:// development targets only. */
export class GuardedHttpAgent extends HttpAgent {
  constructor(
    private readonly guard: ConnectionGuard,
    options: HttpAgentOptions = {},
  ) {
    super({ keepAlive: true, ...options });
  }

  override createConnection(
    options: ClientRequestArgs,
    callback?: Callback,
  ): Duplex | null | undefined {
    const admitted = admit(this.guard, 'http:', 80, options);
    if (admitted instanceof OutboundRefusedError) return deliver(this.guard, admitted, callback);
    return super.createConnection(admitted, callback);
  }
}
