import { OutboundRefusedError } from '../../common/problem/gateway-error';
import {
  OutboundFailedError,
  OutboundTimeoutError,
} from '../../allowlist/outbound/outbound-errors';
import type {
  OutboundHttp,
  OutboundRequest,
  OutboundResponse,
} from '../../allowlist/outbound/outbound-http.port';
import { recordAttemptCall } from '../../inbox/attempt-scope';
import { SEND_TIMEOUT_MS, SendDeferredError, SendOutcomeUnknownError } from './send';

/** Failures that happen before a request leaves: nothing reached the vendor. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

export type SendApiRequest = Omit<OutboundRequest, 'purpose' | 'timeoutMs'> & {
  /** Default `<vendor>-send`. */
  purpose?: string;
  /** Default SEND_TIMEOUT_MS. */
  timeoutMs?: number;
};

/**
 * One call to a vendor's send API through the outbound guard, with transport failures read as
 * send outcomes: refused by the allowlist, connection refused or no such host → deferred (the
 * request never left); timeout or connection lost → outcome unknown (it may have been sent).
 * The vendor's answer, whatever its status, is returned for the sender to read.
 */
export async function callSendApi(
  vendor: string,
  http: OutboundHttp,
  request: SendApiRequest,
): Promise<OutboundResponse> {
  const startedAt = Date.now();
  let status: number | undefined;
  try {
    const response = await http.request({
      ...request,
      purpose: request.purpose ?? `${vendor}-send`,
      timeoutMs: request.timeoutMs ?? SEND_TIMEOUT_MS,
    });
    status = response.status;
    return response;
  } catch (error) {
    throw sendTransportError(vendor, error);
  } finally {
    // In the attempt history of the reply being delivered: host and path only, since a query
    // or the body may hold the customer's number or a credential.
    recordAttemptCall({
      method: request.method ?? 'GET',
      path: hostAndPath(request.url),
      startedAt,
      durationMs: Date.now() - startedAt,
      ...(status === undefined ? {} : { status }),
    });
  }
}

function hostAndPath(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/** The Send*Error for a failed outbound call; anything unrecognised is an unknown outcome. */
export function sendTransportError(vendor: string, error: unknown): Error {
  if (error instanceof OutboundRefusedError) {
    return new SendDeferredError(
      `${vendor} send API not called: ${error.reason} (check allowlist.outbound and vendors.${vendor}.apiBaseUrl)`,
      { reason: error.reason },
    );
  }
  if (error instanceof OutboundTimeoutError) {
    return new SendOutcomeUnknownError(
      `${vendor} send API did not answer within ${error.timeoutMs} ms; the message may have been sent`,
      { reason: 'timeout' },
    );
  }
  if (error instanceof OutboundFailedError && NEVER_SENT.has(error.failure)) {
    return new SendDeferredError(`${vendor} send API unreachable (${error.failure})`, {
      reason: error.failure,
    });
  }
  const failure = error instanceof OutboundFailedError ? error.failure : 'unexpected failure';
  return new SendOutcomeUnknownError(
    `${vendor} send API call failed (${failure}); the message may have been sent`,
    { reason: failure },
  );
}

/** The answer's body as JSON, or undefined when it is not JSON (a proxy's HTML error page). */
export function jsonAnswer(response: OutboundResponse): unknown {
  try {
    return JSON.parse(response.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** `user:password` as an HTTP Basic Authorization value. */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}
