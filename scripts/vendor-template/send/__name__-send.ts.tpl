import { callSendApi, jsonAnswer } from '../kit/call-send-api';
import { isObject } from '../kit/payload';
import { sendFailure, SendOutcomeUnknownError, type DeliveryReceipt, type VendorSender } from '../kit/send';
import type { InboundMessage } from '../../messages/inbound-message';
import { __NAME___VENDOR_NAME } from './__name__.constants';
import type { __Name__Settings } from './__name__.settings';

const text = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;

export const __camel__MessagesUrl = (settings: Pick<__Name__Settings, 'apiBaseUrl'>) =>
  `${settings.apiBaseUrl.replace(/\/+$/, '')}/v1/messages`;

/**
 * TODO(vendor): the template's send API, `POST {apiBaseUrl}/v1/messages` with a Bearer API key
 * and JSON `{ from, to, text, reference }`, answered 201 `{ id, status }` or 4xx `{ code,
 * message }`. Replace with the vendor's documented request, authentication and answers; map its
 * refusals (invalid number, opted out, credentials) to SendRefusedError with its code.
 */
export const __camel__Sender: VendorSender<__Name__Settings> = {
  missingSettings: (settings) => (settings.apiKey ? [] : ['apiKey']),

  targets: (settings) => [__camel__MessagesUrl(settings)],

  async send(sms, settings, http) {
    const response = await callSendApi(__NAME___VENDOR_NAME, http, {
      method: 'POST',
      url: __camel__MessagesUrl(settings),
      headers: { authorization: `Bearer ${settings.apiKey ?? ''}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from: sms.from, to: sms.to, text: sms.text, reference: sms.reference }),
    });
    const answer = jsonAnswer(response);
    const body = isObject(answer) ? answer : {};
    if (response.status < 200 || response.status >= 300) {
      throw sendFailure(__NAME___VENDOR_NAME, response, { code: text(body.code), reason: text(body.message) });
    }
    const id = text(body.id);
    if (!id) throw new SendOutcomeUnknownError(`__name__ answered ${response.status} without an id`);
    return { vendorMessageId: id, status: text(body.status) ?? 'accepted' };
  },

  receipt(message: InboundMessage): DeliveryReceipt | undefined {
    if (message.kind !== 'status' || !isObject(message.raw)) return undefined;
    const vendorMessageId = text(message.raw.messageId);
    const status = text(message.raw.status)?.toLowerCase();
    if (!vendorMessageId || !status) return undefined;
    const errorCode = text(message.raw.errorCode);
    return { vendorMessageId, status, ...(errorCode ? { errorCode } : {}) };
  },
};
