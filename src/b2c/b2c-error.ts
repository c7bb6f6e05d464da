import { isAxiosError } from 'axios';
import { DeliveryError } from '../inbox/message-sink.port';

/** B2C's throttling answer: 503 with this code, not 429. */
export const THROTTLED_ERROR_CODE = 'OSC-CREST-00035';
export const NEXT_REQUEST_AFTER_HEADER = 'osvc-crest-next-request-after';

/**
 * A failed B2C call, classified for the worker. Network errors, timeouts, 5xx (including the
 * 503 throttling answer), 408 and 429 are worth another attempt; other 4xx mean the request
 * itself is wrong and retrying would only repeat it. B2C's error document is kept as detail.
 */
export class B2cError extends DeliveryError {}

export function toB2cError(error: unknown, method: string, path: string): B2cError {
  if (!isAxiosError(error)) {
    return new B2cError(`B2C ${method} ${path} failed: ${String(error)}`, true, { method, path });
  }
  const response = error.response;
  if (!response) {
    const code = error.code ?? 'network error';
    return new B2cError(`B2C ${method} ${path} failed: ${code}`, true, { method, path, code });
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
  const retryable = status >= 500 || status === 408 || status === 429;
  const pause = Number(response.headers[NEXT_REQUEST_AFTER_HEADER]);
  const retryAfterMs = Number.isFinite(pause) && pause > 0 ? pause : undefined;
  const what = errorCode === THROTTLED_ERROR_CODE ? 'throttled' : `answered ${status}`;
  return new B2cError(
    `B2C ${method} ${path} ${what}${errorCode && errorCode !== THROTTLED_ERROR_CODE ? ` ${errorCode}` : ''}`,
    retryable,
    detail,
    retryAfterMs,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
