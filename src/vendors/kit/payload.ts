import {
  MalformedPayloadError,
  UnprocessablePayloadError,
} from '../../common/problem/gateway-error';
import { toE164 } from '../../messages/phone-number';
import type { WebhookRequest } from '../webhook-vendor';

/** A JSON object as parsed from a vendor body; fields are read with the helpers below. */
export type JsonObject = Record<string, unknown>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as UTF-8 text; invalid UTF-8 is a malformed payload, not a crash. */
export function bodyText(request: Pick<WebhookRequest, 'rawBody'>): string {
  try {
    return utf8.decode(request.rawBody);
  } catch {
    throw new MalformedPayloadError('body is not valid UTF-8');
  }
}

/** The body as JSON of the expected top-level shape. */
export function parseJsonBody(
  request: Pick<WebhookRequest, 'rawBody'>,
  shape: 'object',
): JsonObject;
export function parseJsonBody(request: Pick<WebhookRequest, 'rawBody'>, shape: 'array'): unknown[];
export function parseJsonBody(
  request: Pick<WebhookRequest, 'rawBody'>,
  shape: 'object' | 'array',
): JsonObject | unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText(request));
  } catch (error) {
    if (error instanceof MalformedPayloadError) throw error;
    throw new MalformedPayloadError('body is not valid JSON');
  }
  if (shape === 'array') {
    if (!Array.isArray(parsed)) throw new MalformedPayloadError('JSON body must be an array');
    return parsed;
  }
  if (!isObject(parsed)) throw new MalformedPayloadError('JSON body must be an object');
  return parsed;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A required string field (`where` names it in the error, e.g. "results[2].messageId"). */
export function requiredString(value: unknown, where: string): string {
  if (value === undefined || value === null || value === '') {
    throw new MalformedPayloadError(`${where} missing`, { field: where });
  }
  if (typeof value !== 'string') {
    throw new MalformedPayloadError(`${where} must be a string`, { field: where });
  }
  return value;
}

export function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new MalformedPayloadError(`${where} must be a string`, { field: where });
  }
  return value;
}

/** A JSON object nested in the payload; missing or of another type is malformed. */
export function requiredObject(value: unknown, where: string): JsonObject {
  if (!isObject(value)) throw new MalformedPayloadError(`${where} must be an object`);
  return value;
}

/**
 * A sender or recipient as E.164. Vendors send numbers with or without `+` (Vonage, Infobip:
 * "447700900000"); `assumeInternational` adds the `+` for those. Not a number → 422 naming it.
 */
export function requiredE164(value: unknown, where: string, assumeInternational = false): string {
  const raw = requiredString(value, where).trim();
  const candidate = assumeInternational && /^\d{6,15}$/.test(raw) ? `+${raw}` : raw;
  const e164 = toE164(candidate);
  if (!e164) {
    throw new UnprocessablePayloadError(`${where} is not a valid phone number`, { field: where });
  }
  return e164;
}

/** A vendor time (ISO 8601 or similar) as ISO 8601; unreadable → the time the webhook arrived. */
export function isoTime(value: unknown, fallback: Date): string {
  if (typeof value === 'string' || typeof value === 'number') {
    const parsed = new Date(value);
    if (!Number.isNaN(parsed.getTime())) return parsed.toISOString();
  }
  return fallback.toISOString();
}
