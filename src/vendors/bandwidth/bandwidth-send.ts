import type { OutboundHttp } from '../../allowlist/outbound/outbound-http.port';
import type { InboundMessage } from '../../messages/inbound-message';
import { basicAuthorization, callSendApi, jsonAnswer } from '../kit/call-send-api';
import { isObject } from '../kit/payload';
import {
  type DeliveryReceipt,
  type OutboundSms,
  type SendFailureDetail,
  type SendReceipt,
  type VendorSender,
  missingMessageId,
  SendRefusedError,
  sendFailure,
} from '../kit/send';
import { BANDWIDTH_STATUS_TYPES, BANDWIDTH_VENDOR_NAME } from './bandwidth.constants';
import type { BandwidthSettings } from './bandwidth.settings';

/** Bandwidth's limit on `tag`, which every callback for the message carries back. */
const MAX_TAG = 1024;
const SEND_SETTINGS = ['accountId', 'applicationId', 'apiUsername', 'apiPassword'] as const;

function messagesUrl(settings: BandwidthSettings): string {
  const base = settings.apiBaseUrl.replace(/\/+$/, '');
  return `${base}/api/v2/users/${encodeURIComponent(settings.accountId ?? '')}/messages`;
}

/** Bandwidth's error answer `{type, description, fieldErrors[]}` (type e.g. request-validation). */
export function bandwidthErrorDetail(answer: unknown): Omit<SendFailureDetail, 'status'> {
  if (!isObject(answer)) return {};
  const detail: Omit<SendFailureDetail, 'status'> = {};
  if (typeof answer.type === 'string') detail.code = answer.type;
  const fields = Array.isArray(answer.fieldErrors) ? answer.fieldErrors : [];
  const words = [
    answer.description,
    ...fields.map((field: unknown) =>
      isObject(field) &&
      typeof field.fieldName === 'string' &&
      typeof field.description === 'string'
        ? `${field.fieldName}: ${field.description}`
        : undefined,
    ),
  ].filter((part) => typeof part === 'string');
  if (words.length > 0) detail.reason = words.join('; ');
  return detail;
}

/**
 * Bandwidth Messaging API v2: `POST /api/v2/users/{accountId}/messages` with the API user's
 * Basic credentials and JSON `{applicationId, to: [..], from, text}`; a 202 carries the message
 * (`id`). Delivery and most failures come later as callbacks of the application, which the
 * vendor module already parses; `receipt()` reads them. The reference goes as `tag`, which every
 * callback carries back. Stateless.
 */
export class BandwidthSender implements VendorSender<BandwidthSettings> {
  missingSettings(settings: BandwidthSettings): string[] {
    return SEND_SETTINGS.filter((key) => !settings[key]);
  }

  targets(settings: BandwidthSettings): string[] {
    return [messagesUrl(settings)];
  }

  async send(
    sms: OutboundSms,
    settings: BandwidthSettings,
    http: OutboundHttp,
  ): Promise<SendReceipt> {
    const { apiUsername, apiPassword } = settings;
    const missing = this.missingSettings(settings);
    if (missing.length > 0 || !apiUsername || !apiPassword) {
      throw new SendRefusedError(
        `bandwidth cannot send: vendors.bandwidth.${missing.join(', ')} not set`,
      );
    }
    const response = await callSendApi(BANDWIDTH_VENDOR_NAME, http, {
      method: 'POST',
      url: messagesUrl(settings),
      headers: {
        authorization: basicAuthorization(apiUsername, apiPassword),
        'content-type': 'application/json; charset=utf-8',
        accept: 'application/json',
      },
      body: JSON.stringify({
        applicationId: settings.applicationId,
        to: [sms.to],
        from: sms.from,
        text: sms.text,
        tag: sms.reference.slice(0, MAX_TAG),
      }),
    });
    const answer = jsonAnswer(response);
    if (response.status < 200 || response.status >= 300) {
      throw sendFailure(BANDWIDTH_VENDOR_NAME, response, bandwidthErrorDetail(answer));
    }
    if (!isObject(answer) || typeof answer.id !== 'string' || answer.id === '') {
      throw missingMessageId(BANDWIDTH_VENDOR_NAME, response.status);
    }
    // 202 Accepted: queued; what became of it arrives as callbacks.
    return { vendorMessageId: answer.id, status: 'accepted' };
  }

  /**
   * `message-sending` / `message-delivered` / `message-failed` callbacks (stored as kind
   * `status`, `raw` the callback item): the status word after `message-`, and for a failure
   * Bandwidth's numeric `errorCode` (e.g. 4720).
   */
  receipt(message: InboundMessage): DeliveryReceipt | undefined {
    if (message.vendor !== BANDWIDTH_VENDOR_NAME || message.kind !== 'status') return undefined;
    const callback = message.raw;
    if (!isObject(callback) || typeof callback.type !== 'string') return undefined;
    if (!BANDWIDTH_STATUS_TYPES.includes(callback.type)) return undefined;
    const sent: unknown = callback.message;
    if (!isObject(sent) || typeof sent.id !== 'string') return undefined;
    const code: unknown = callback.errorCode;
    return {
      vendorMessageId: sent.id,
      status: callback.type.replace(/^message-/, ''),
      ...((typeof code === 'number' || typeof code === 'string') && { errorCode: String(code) }),
    };
  }
}
