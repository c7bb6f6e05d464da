import type { OutboundHttp } from '../../allowlist/outbound/outbound-http.port';
import type { InboundMessage } from '../../messages/inbound-message';
import { callSendApi, jsonAnswer } from '../kit/call-send-api';
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
import {
  TELNYX_IDEMPOTENCY_KEY,
  TELNYX_JSON,
  TELNYX_MESSAGES_PATH,
  TELNYX_VENDOR_NAME,
} from './telnyx.constants';
import type { TelnyxSettings } from './telnyx.settings';

function messagesUrl(settings: TelnyxSettings): string {
  return `${settings.apiBaseUrl.replace(/\/+$/, '')}${TELNYX_MESSAGES_PATH}`;
}

/** The first of Telnyx's `errors[]` (`code` such as "40310", `title`), for the failure. */
export function telnyxErrorDetail(answer: unknown): Omit<SendFailureDetail, 'status'> {
  const errors: unknown = isObject(answer) ? answer.errors : undefined;
  const first: unknown = Array.isArray(errors) ? errors[0] : undefined;
  if (!isObject(first)) return {};
  const detail: Omit<SendFailureDetail, 'status'> = {};
  if (typeof first.code === 'string' || typeof first.code === 'number') {
    detail.code = String(first.code);
  }
  const words = [first.title, first.detail].filter((part) => typeof part === 'string');
  if (words.length > 0) detail.reason = `${detail.code ?? ''} ${words.join(': ')}`.trim();
  return detail;
}

/** The first recipient entry of a Telnyx message record (`to` is a list of one). */
function firstRecipient(record: Record<string, unknown>): Record<string, unknown> | undefined {
  const to: unknown = record.to;
  const first: unknown = Array.isArray(to) ? to[0] : undefined;
  return isObject(first) ? first : undefined;
}

/**
 * Telnyx Messaging API v2: `POST /v2/messages` with `Authorization: Bearer <API key>` and JSON
 * `{from, to, text}`; a 200 carries the message record (`data.id`, `data.to[0].status`
 * "queued"); refusals are `errors[]` with Telnyx codes (40310 invalid 'to', 10009 authentication
 * failed). The reference goes as `Idempotency-Key`, Telnyx's general retry key. Stateless.
 */
export class TelnyxSender implements VendorSender<TelnyxSettings> {
  missingSettings(settings: TelnyxSettings): string[] {
    return settings.apiKey ? [] : ['apiKey'];
  }

  targets(settings: TelnyxSettings): string[] {
    return [messagesUrl(settings)];
  }

  async send(sms: OutboundSms, settings: TelnyxSettings, http: OutboundHttp): Promise<SendReceipt> {
    if (!settings.apiKey) {
      throw new SendRefusedError('telnyx cannot send: vendors.telnyx.apiKey is not set');
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${settings.apiKey}`,
      'content-type': TELNYX_JSON,
      accept: TELNYX_JSON,
    };
    if (TELNYX_IDEMPOTENCY_KEY.test(sms.reference)) headers['idempotency-key'] = sms.reference;
    const response = await callSendApi(TELNYX_VENDOR_NAME, http, {
      method: 'POST',
      url: messagesUrl(settings),
      headers,
      body: JSON.stringify({ from: sms.from, to: sms.to, text: sms.text }),
    });
    const answer = jsonAnswer(response);
    if (response.status < 200 || response.status >= 300) {
      throw sendFailure(TELNYX_VENDOR_NAME, response, telnyxErrorDetail(answer));
    }
    const data: unknown = isObject(answer) ? answer.data : undefined;
    if (!isObject(data) || typeof data.id !== 'string' || data.id === '') {
      throw missingMessageId(TELNYX_VENDOR_NAME, response.status);
    }
    const status = firstRecipient(data)?.status;
    return { vendorMessageId: data.id, status: typeof status === 'string' ? status : 'queued' };
  }

  /**
   * `message.sent` / `message.finalized` events (stored by the parser as kind `status`, `raw` the
   * whole event): the recipient's status (`sent`, `delivered`, `delivery_failed`,
   * `sending_failed`, ...) and the first of `errors[]` as the error code.
   */
  receipt(message: InboundMessage): DeliveryReceipt | undefined {
    if (message.vendor !== TELNYX_VENDOR_NAME || message.kind !== 'status') return undefined;
    const data: unknown = isObject(message.raw) ? message.raw.data : undefined;
    const payload: unknown = isObject(data) ? data.payload : undefined;
    if (!isObject(payload) || typeof payload.id !== 'string') return undefined;
    const status = firstRecipient(payload)?.status;
    if (typeof status !== 'string' || status === '') return undefined;
    const { code } = telnyxErrorDetail(payload);
    return {
      vendorMessageId: payload.id,
      status: status.toLowerCase(),
      ...(code !== undefined && { errorCode: code }),
    };
  }
}
