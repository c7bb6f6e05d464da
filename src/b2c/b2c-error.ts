import { isAxiosError } from 'axios';
import { OutboundRefusedError } from '../common/problem/gateway-error';
import { eventReferenceId } from '../common/problem/reference-id';
import { DeliveryError } from '../delivery/sink/message-sink.port';

/** B2C's throttling answer: 503 with this code, not 429. */
export const THROTTLED_ERROR_CODE = 'OSC-CREST-00035';
export const NEXT_REQUEST_AFTER_HEADER = 'osvc-crest-next-request-after';

/**
 * A failed B2C call, classified for the worker. Network errors, timeouts, 5xx (including the
 * 503 throttling answer), 408 and 429 are worth another attempt; other 4xx mean the request
 * itself is wrong and retrying would only repeat it. B2C's error document is kept as detail.
 */
export class B2cError extends DeliveryError {}

/**
 * A create (POST) that timed out, lost its connection or got a 5xx other than throttling may
 * still complete at B2C. Its retry waits `settleMs` so that the next attempt's lookup sees it.
 */
export function toB2cError(
  error: unknown,
  method: string,
  path: string,
  settleMs: number,
): B2cError {
  const settle = method === 'POST' ? { notBeforeMs: settleMs } : {};
  if (error instanceof OutboundRefusedError) {
    // Nothing was sent: the target is off the outbound allowlist (or failed TLS verification).
    // Retrying cannot help until an admin fixes the list; the message waits as a dead letter.
    return new B2cError(error.message, {
      retryable: false,
      notProcessed: true,
      detail: { method, path, target: error.target, reason: error.reason },
    });
  }
  if (!isAxiosError(error)) {
    return new B2cError(`B2C ${method} ${path} failed: ${String(error)}`, {
      retryable: true,
      detail: { method, path },
      ...settle,
    });
  }
  const response = error.response;
  if (!response) {
    const code = error.code ?? 'network error';
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
      // A timeout gets a reference id (reason 1), as a refused request does, so the admin can
      // find this attempt's log line from the id kept on the message.
      const referenceId = eventReferenceId(1);
      return new B2cError(`B2C ${method} ${path} timed out (reference ${referenceId})`, {
        retryable: true,
        detail: { method, path, code, referenceId },
        ...settle,
      });
    }
    return new B2cError(`B2C ${method} ${path} failed: ${code}`, {
      retryable: true,
      detail: { method, path, code },
      ...settle,
    });
  }
  const status = response.status;
  const body = isRecord(response.data) ? response.data : {};
  const errorCode = typeof body['o:errorCode'] === 'string' ? body['o:errorCode'] : undefined;
  const detail = {
    method,
    path,
    status,
    ...(typeof body.title === 'string' ? { title: body.title } : {}),
    ...(typeof body.detail === 'string' ? { detail: body.detail } : {}),
    ...(errorCode ? { errorCode } : {}),
  };
  const throttled = errorCode === THROTTLED_ERROR_CODE;
  const retryable = status >= 500 || status === 408 || status === 429;
  const pause = Number(response.headers[NEXT_REQUEST_AFTER_HEADER]);
  return new B2cError(
    `B2C ${method} ${path} ${throttled ? 'throttled' : `answered ${status}`}${errorCode && !throttled ? ` ${errorCode}` : ''}`,
    {
      retryable,
      detail,
      ...(Number.isFinite(pause) && pause > 0 ? { pauseAllMs: pause } : {}),
      // Throttling means B2C did not process the request; any other 5xx leaves it unknown.
      ...(status >= 500 && !throttled ? settle : {}),
      ...(throttled ? { notProcessed: true } : {}),
    },
  );
}

/**
 * How long B2C asked every caller to pause, when `error` is its throttling answer (503
 * OSC-CREST-00035) naming the time in osvc-crest-next-request-after; undefined otherwise.
 */
export function throttlePauseMs(error: B2cError): number | undefined {
  const { detail, pauseAllMs } = error.failure;
  const throttled = detail?.status === 503 && detail.errorCode === THROTTLED_ERROR_CODE;
  return throttled ? pauseAllMs : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
