import type { HttpClient, HttpRequest } from 'oci-common';
import type { OutboundHttp } from '../../allowlist/outbound/outbound-http.port';
import { OutboundRefusedError } from '../../common/problem/gateway-error';

/** oci-common's RequestSigner says `void`, but DefaultRequestSigner signs asynchronously. */
interface AsyncRequestSigner {
  signHttpRequest(request: HttpRequest, forceExcludeBody?: boolean): void | Promise<void>;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * The Secrets client's HTTP client (passed as `httpClient`): signs each request the way the SDK's
 * own FetchHttpClient does (DefaultRequestSigner) and sends it through an `OutboundHttp`, so Vault
 * traffic obeys the same outbound policy as every other call the gateway makes.
 */
export class OciSignedHttpClient implements HttpClient {
  constructor(
    private readonly signer: AsyncRequestSigner,
    private readonly transport: OutboundHttp,
    private readonly timeoutMs: number,
  ) {}

  async send(request: HttpRequest, forceExcludeBody = false): Promise<Response> {
    await this.signer.signHttpRequest(request, forceExcludeBody);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    let answer;
    try {
      answer = await this.transport.request({
        method: request.method as 'GET',
        url: request.uri,
        headers,
        body: bodyOf(request, forceExcludeBody),
        timeoutMs: this.timeoutMs,
        purpose: 'oci-vault',
      });
    } catch (error) {
      // The SDK retries client-side errors unless told not to; a refusal will not change.
      if (error instanceof OutboundRefusedError) Object.assign(error, { shouldBeRetried: false });
      throw error;
    }
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) responseHeaders.append(name, one);
    }
    return new Response(NULL_BODY_STATUSES.has(answer.status) ? null : answer.body, {
      status: answer.status,
      headers: responseHeaders,
    });
  }
}

function bodyOf(request: HttpRequest, forceExcludeBody: boolean): string | Buffer | undefined {
  const body: unknown = request.body;
  if (forceExcludeBody || body === undefined || body === null) return undefined;
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body;
  // GetSecretBundle has no body; streamed bodies (object storage uploads) are not needed here.
  throw new Error('OciSignedHttpClient sends string and Buffer bodies only');
}
