import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { GatewayError, OutboundRefusedError } from '../../common/problem/gateway-error';
import { safeTarget } from './check-outbound-target';
import type { GuardedHttpAgent, GuardedHttpsAgent } from './guarded-agents';
import { certificateErrorCode, OutboundFailedError, OutboundTimeoutError } from './outbound-errors';
import { OutboundGuard } from './outbound-guard';
import type { OutboundHttp, OutboundRequest, OutboundResponse } from './outbound-http.port';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

/**
 * `OUTBOUND_HTTP`: node:https (node:http only for listed development targets) through the
 * guard's agents. The URL is checked before any socket and the agent checks again at connect.
 * Redirects are never followed: a 3xx is returned to the caller as it came.
 */
@Injectable()
export class OutboundHttpClient implements OutboundHttp, OnModuleDestroy {
  private readonly httpsAgent: GuardedHttpsAgent;
  private readonly httpAgent: GuardedHttpAgent;

  constructor(private readonly guard: OutboundGuard) {
    this.httpsAgent = guard.createHttpsAgent({ maxSockets: 32 });
    this.httpAgent = guard.createHttpAgent({ maxSockets: 8 });
  }

  async request(request: OutboundRequest): Promise<OutboundResponse> {
    const { url, host, port } = this.guard.assertAllowed(request.url, request.purpose);
    const target = safeTarget(url.href);
    const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBytes = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
    const https = url.protocol === 'https:';

    return new Promise<OutboundResponse>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outgoing.destroy();
        reject(this.classify(error, target, request.purpose));
      };
      const outgoing = (https ? httpsRequest : httpRequest)(
        {
          host,
          port,
          path: `${url.pathname}${url.search}`,
          method: request.method ?? 'GET',
          headers: {
            ...request.headers,
            ...(body ? { 'content-length': String(body.length) } : {}),
          },
          agent: https ? this.httpsAgent : this.httpAgent,
        },
        (response: IncomingMessage) => {
          const declared = Number(response.headers['content-length']);
          if (Number.isFinite(declared) && declared > maxBytes) {
            fail(new OutboundFailedError(target, `response larger than ${maxBytes} bytes`));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
              fail(new OutboundFailedError(target, `response larger than ${maxBytes} bytes`));
            } else {
              chunks.push(chunk);
            }
          });
          response.on('error', fail);
          response.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks),
            });
          });
        },
      );
      const timer = setTimeout(() => fail(new OutboundTimeoutError(target, timeoutMs)), timeoutMs);
      outgoing.on('error', fail);
      outgoing.end(body);
    });
  }

  onModuleDestroy(): void {
    this.httpsAgent.destroy();
    this.httpAgent.destroy();
  }

  /** Domain errors pass; a certificate not accepted is a refusal; the rest a failed call. */
  private classify(error: unknown, target: string, purpose: string): GatewayError {
    if (error instanceof GatewayError) return error;
    const certificate = certificateErrorCode(error);
    if (certificate) {
      const refusal = new OutboundRefusedError(
        target,
        `the TLS certificate was not accepted (${certificate})`,
      );
      this.guard.refused(refusal, purpose);
      return refusal;
    }
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    return new OutboundFailedError(target, code ?? 'connection failed');
  }
}
