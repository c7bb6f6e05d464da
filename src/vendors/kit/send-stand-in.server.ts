import { mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loopbackAddress } from './loopback-address';
import type {
  SendStandIn,
  SentSms,
  StandInAnswer,
  StandInOutcome,
  StandInRequest,
} from './send-stand-in';

/** The server's TLS identity: a certificate for every stand-in host, issued by `caFile`. */
export interface StandInTls {
  keyPem: string;
  certificatePem: string;
  /** The issuing CA, which the gateway must trust (`ALLOWLIST_OUTBOUND_CA_BUNDLE_FILE`). */
  caFile: string;
}

export interface SendStandInServerOptions {
  standIns: readonly SendStandIn[];
  tls: StandInTls;
  /** Default: a loopback address of this process's own (block 1 of `loopbackAddress`). */
  address?: string;
  /** Default 443, the only port an https outbound target may use. */
  port?: number;
}

/** One request the server received, and what became of it. */
export interface RecordedRequest extends StandInRequest {
  /** The Host header without port, lower-cased. */
  host: string;
  /** The stand-in that handled it; absent for an unknown host (answered 421). */
  vendor?: string;
  outcome: StandInOutcome['kind'] | 'misdirected';
}

/** Larger request bodies are cut off: no vendor's send request comes near it. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * One HTTPS server for any set of send stand-ins, each chosen by the request's Host, so a
 * gateway reaches every vendor under its real host name (pinned to this address through
 * `allowlist.outbound.hostAddresses`) and verifies the certificate against a test CA. Records
 * every request and every accepted SMS; requests a stand-in leaves hanging stay open until
 * `close()`.
 */
export class SendStandInServer {
  private readonly byHost = new Map<string, SendStandIn>();
  private readonly recorded: RecordedRequest[] = [];
  private readonly accepted: SentSms[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private readonly server: Server;
  private configFile?: string;

  private constructor(
    private readonly options: SendStandInServerOptions,
    readonly address: string,
    readonly port: number,
  ) {
    for (const standIn of options.standIns) {
      for (const host of standIn.hosts) {
        const name = normalHost(host);
        const other = this.byHost.get(name);
        if (other && other !== standIn) {
          throw new Error(`stand-ins ${other.vendor} and ${standIn.vendor} both claim ${name}`);
        }
        this.byHost.set(name, standIn);
      }
    }
    this.server = createServer(
      { key: options.tls.keyPem, cert: options.tls.certificatePem },
      (request, response) => void this.serve(request, response),
    );
  }

  /** Listening; rejects naming the address when it cannot bind (port 443 needs root). */
  static async start(options: SendStandInServerOptions): Promise<SendStandInServer> {
    const address = options.address ?? loopbackAddress(process.pid, 1);
    const instance = new SendStandInServer(options, address, options.port ?? 443);
    await new Promise<void>((resolve, reject) => {
      instance.server.once('error', (error) =>
        reject(
          new Error(
            `send stand-ins: cannot listen on ${address}:${instance.port} (${error.message}); port 443 needs root or CAP_NET_BIND_SERVICE`,
          ),
        ),
      );
      instance.server.listen(instance.port, address, () => resolve());
    });
    // Never what keeps a test process alive; close() ends it properly.
    instance.server.unref();
    return instance;
  }

  /** Every host name served, lower-case. */
  hosts(): string[] {
    return [...this.byHost.keys()];
  }

  /** `allowlist.outbound.hostAddresses`: every served host pinned to this server's address. */
  hostAddresses(): Record<string, string> {
    return Object.fromEntries(this.hosts().map((host) => [host, this.address]));
  }

  get caFile(): string {
    return this.options.tls.caFile;
  }

  /**
   * What a gateway needs to reach the stand-ins: the test CA, a `GATEWAY_CONFIG` file pinning
   * every host here (fixed DNS answers are YAML-only; JSON is YAML), the hosts appended to
   * `otherTargets` in ALLOWLIST_OUTBOUND_TARGETS. Not the stand-ins' `env` (each enables its
   * vendor): the caller adds the ones it wants. A caller listing plain-http targets adds
   * ALLOWLIST_OUTBOUND_ALLOW_HTTP_FOR_DEVELOPMENT itself.
   */
  env(otherTargets: readonly string[] = []): Record<string, string> {
    if (!this.configFile) {
      this.configFile = join(mkdtempSync(join(tmpdir(), 'send-stand-ins-')), 'gateway.yaml');
      writeFileSync(
        this.configFile,
        JSON.stringify({ allowlist: { outbound: { hostAddresses: this.hostAddresses() } } }),
      );
    }
    return {
      ALLOWLIST_OUTBOUND_CA_BUNDLE_FILE: this.caFile,
      GATEWAY_CONFIG: this.configFile,
      ALLOWLIST_OUTBOUND_TARGETS: [...otherTargets, ...this.hosts()].join(','),
    };
  }

  /** Every SMS a stand-in accepted since start or the last `clear()`, oldest first. */
  sent(): SentSms[] {
    return [...this.accepted];
  }

  /** Every request received since start or the last `clear()`, oldest first. */
  requests(): RecordedRequest[] {
    return [...this.recorded];
  }

  clear(): void {
    this.recorded.length = 0;
    this.accepted.length = 0;
  }

  /** Ends hanging requests (their callers see the connection lost) and stops listening. */
  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.hanging.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request).catch(() => undefined);
    if (body === undefined) {
      answer(response, { status: 413, body: { error: 'request body too large or cut off' } });
      return;
    }
    const host = normalHost(request.headers.host ?? '');
    const url = new URL(request.url ?? '/', 'https://stand-in.invalid');
    const seen: StandInRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      headers: request.headers,
      body,
    };
    const standIn = this.byHost.get(host);
    if (!standIn) {
      this.recorded.push({ ...seen, host, outcome: 'misdirected' });
      answer(response, { status: 421, body: { error: `no stand-in serves ${host}` } });
      return;
    }
    let outcome: StandInOutcome;
    try {
      outcome = standIn.handle(seen);
    } catch (error) {
      // A stand-in bug must show in the test, not as a hang.
      outcome = {
        kind: 'refused',
        answer: { status: 500, body: { error: `stand-in failed: ${String(error)}` } },
      };
    }
    this.recorded.push({ ...seen, host, vendor: standIn.vendor, outcome: outcome.kind });
    switch (outcome.kind) {
      case 'sent':
        this.accepted.push(outcome.sms);
        answer(response, outcome.answer);
        return;
      case 'refused':
        answer(response, outcome.answer);
        return;
      case 'hang':
        this.hanging.add(response);
        response.on('close', () => this.hanging.delete(response));
        return;
    }
  }
}

function normalHost(value: string): string {
  return value.replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase();
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('too large'));
        request.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, { status, headers, body }: StandInAnswer): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const contentType =
    typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  response.writeHead(status, { 'content-type': contentType, ...headers }).end(text);
}
