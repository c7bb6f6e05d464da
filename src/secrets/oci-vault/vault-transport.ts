import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type {
  OutboundHttp,
  OutboundRequest,
  OutboundResponse,
} from '../../allowlist/outbound/outbound-http.port';
import { checkVaultTarget } from './vault-outbound-policy';

/** A secret bundle is a few KiB (OCI caps secrets at 25 KiB before base64). */
const MAX_RESPONSE_BYTES = 256 * 1024;

/**
 * How Vault requests travel when no `OUTBOUND_HTTP` implementation is provided: node's own HTTP
 * client with a keep-alive agent that verifies certificates against the system CAs (plus
 * NODE_EXTRA_CA_CERTS), follows no redirects and checks every target at the policy call site.
 *
 * Why not the SDK's own transport: its FetchHttpClient calls the global `fetch`, which on Node 20
 * is undici's and ignores an `agent` in `httpOptions`, so no agent could be passed to it.
 */
export class DirectVaultTransport implements OutboundHttp {
  private readonly https = new HttpsAgent({
    keepAlive: true,
    maxSockets: 4,
    rejectUnauthorized: true,
  });
  private readonly http = new HttpAgent({ keepAlive: true, maxSockets: 4 });

  constructor(
    private readonly production: boolean,
    private readonly defaultTimeoutMs: number,
  ) {}

  request(request: OutboundRequest): Promise<OutboundResponse> {
    const url = new URL(request.url);
    checkVaultTarget(url, this.production);
    const secure = url.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    const timeoutMs = request.timeoutMs ?? this.defaultTimeoutMs;
    const limit = request.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    return new Promise((resolve, reject) => {
      const outgoing = send(url, {
        method: request.method ?? 'GET',
        headers: request.headers,
        agent: secure ? this.https : this.http,
        timeout: timeoutMs,
      });
      outgoing.on('timeout', () =>
        outgoing.destroy(new Error(`${request.purpose}: no answer within ${timeoutMs} ms`)),
      );
      outgoing.on('error', reject);
      outgoing.on('response', (response) => {
        void readBody(response, limit).then(resolve, reject);
      });
      outgoing.end(request.body);
    });
  }

  close(): void {
    this.https.destroy();
    this.http.destroy();
  }
}

function readBody(response: IncomingMessage, limit: number): Promise<OutboundResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        response.destroy(new Error(`response larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('error', reject);
    response.on('end', () =>
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        body: Buffer.concat(chunks),
      }),
    );
  });
}
