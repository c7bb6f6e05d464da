import { MalformedPayloadError } from '../../common/problem/gateway-error';
import { isObject, parseJsonBody } from '../kit/payload';
import { decodeForm, formPairsToRecord } from '../kit/form-body';
import type { WebhookRequest } from '../webhook-vendor';
import { VONAGE_SMS_JSON } from './vonage-sms.constants';

/** The webhook's parameters as Vonage signs them: one string per name. */
export type VonageSmsParams = Readonly<Record<string, string>>;

/** Vonage's JSON bodies hold strings; numbers and booleans are signed as their text. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * The body's parameters, strictly decoded: a form (Vonage's "POST") or a JSON object
 * ("POST-JSON"). Repeated names, nested values and bad encodings are malformed: Vonage sends
 * none of them, and the signature would be ambiguous over them.
 */
export function readVonageSmsParams(
  request: Pick<WebhookRequest, 'rawBody' | 'contentType'>,
): VonageSmsParams {
  const record: Record<string, unknown> =
    request.contentType === VONAGE_SMS_JSON
      ? parseJsonBody(request, 'object')
      : formPairsToRecord(decodeForm(request.rawBody));
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(record)) {
    if (value === null) continue;
    if (Array.isArray(value)) {
      throw new MalformedPayloadError(`${name} appears more than once`, { field: name });
    }
    const text = scalarText(value);
    if (text === undefined) {
      const what = isObject(value) ? 'an object' : typeof value;
      throw new MalformedPayloadError(`${name} must be a string, not ${what}`, { field: name });
    }
    // Defined as data: a '__proto__' parameter must not reach the prototype.
    Object.defineProperty(params, name, { value: text, enumerable: true, writable: true });
  }
  return params;
}
