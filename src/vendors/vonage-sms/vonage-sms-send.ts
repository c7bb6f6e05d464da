import { SegmentedMessage } from 'sms-segments-calculator';
import { basicAuthorization, callSendApi, jsonAnswer } from '../kit/call-send-api';
import { isObject } from '../kit/payload';
import {
  sendFailure,
  SendDeferredError,
  SendOutcomeUnknownError,
  SendRefusedError,
  type DeliveryReceipt,
  type VendorSender,
} from '../kit/send';
import type { InboundMessage } from '../../messages/inbound-message';
import { VONAGE_SMS_JSON, VONAGE_SMS_VENDOR_NAME } from './vonage-sms.constants';
import type { VonageSmsSettings } from './vonage-sms.settings';

/** Vonage takes a client reference of at most 40 characters. */
const CLIENT_REF_MAX = 40;

/**
 * Per-message `status` codes that mean "not taken, try later": 1 throttled, 5 internal error,
 * 10 too many binds. 0 is success; every other code (2 missing and 3 invalid parameters,
 * 4 invalid credentials, 6 invalid message, 7 number barred, 9 no credit, ...) is a refusal.
 */
const TRY_LATER = new Set(['1', '5', '10']);

export function vonageSmsUrl(settings: Pick<VonageSmsSettings, 'apiBaseUrl'>): string {
  return `${settings.apiBaseUrl.replace(/\/+$/, '')}/sms/json`;
}

/** Vonage writes international numbers without the `+`. */
const digits = (e164: string) => e164.replace(/^\+/, '');

const text = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;

/**
 * The documented fields: from/to without `+`, text, type, client-ref. Sent as JSON with the
 * credentials as HTTP Basic, as `@vonage/sms` sends them (see its oracle spec); the API also
 * takes a form, or api_key/api_secret fields, but the secret then travels in the body.
 */
export function vonageSmsSendFields(sms: {
  from: string;
  to: string;
  text: string;
  reference: string;
}): Record<string, string> {
  // `unicode` only when a character is outside GSM-7: it halves what one segment holds.
  const type = new SegmentedMessage(sms.text).encodingName === 'GSM-7' ? 'text' : 'unicode';
  return {
    from: digits(sms.from),
    to: digits(sms.to),
    text: sms.text,
    type,
    'client-ref': sms.reference.slice(0, CLIENT_REF_MAX),
  };
}

/**
 * SMS API: POST https://rest.nexmo.com/sms/json, JSON, API key and secret as HTTP Basic. It answers
 * 200 even for a refused message: each entry of `messages[]` carries its own `status` ("0" is
 * success) and `error-text`. One request may come back as several messages (a long text is
 * split); all must be "0", and the first message id names it (receipts come per part).
 */
export const vonageSmsSender: VendorSender<VonageSmsSettings> = {
  missingSettings: (settings) => (['apiKey', 'apiSecret'] as const).filter((key) => !settings[key]),

  targets: (settings) => [vonageSmsUrl(settings)],

  async send(sms, settings, http) {
    const response = await callSendApi(VONAGE_SMS_VENDOR_NAME, http, {
      method: 'POST',
      url: vonageSmsUrl(settings),
      headers: {
        authorization: basicAuthorization(settings.apiKey ?? '', settings.apiSecret ?? ''),
        'content-type': VONAGE_SMS_JSON,
        accept: VONAGE_SMS_JSON,
      },
      body: JSON.stringify(vonageSmsSendFields(sms)),
    });
    const answer = jsonAnswer(response);
    if (response.status < 200 || response.status >= 300) {
      throw sendFailure(VONAGE_SMS_VENDOR_NAME, response, {
        reason: isObject(answer) ? text(answer['error-text'] ?? answer.title) : undefined,
      });
    }
    const messages = isObject(answer) && Array.isArray(answer.messages) ? answer.messages : [];
    const parts = messages.filter(isObject);
    if (parts.length === 0) {
      throw new SendOutcomeUnknownError('vonage-sms answered 200 without messages', {
        status: response.status,
      });
    }
    const failed = parts.find((part) => text(part.status) !== '0');
    if (failed) {
      const code = text(failed.status) ?? '';
      const detail = { status: response.status, code, reason: text(failed['error-text']) };
      const said = detail.reason ? `: ${detail.reason}` : '';
      if (TRY_LATER.has(code)) {
        throw new SendDeferredError(
          `vonage-sms did not take the message (status ${code})${said}`,
          detail,
        );
      }
      throw new SendRefusedError(`vonage-sms refused the message (status ${code})${said}`, detail);
    }
    const id = text(parts[0]['message-id']);
    if (!id) {
      throw new SendOutcomeUnknownError('vonage-sms answered status 0 without a message-id', {
        status: response.status,
      });
    }
    return { vendorMessageId: id, status: 'accepted' };
  },

  receipt(message: InboundMessage): DeliveryReceipt | undefined {
    if (message.vendor !== VONAGE_SMS_VENDOR_NAME || message.kind !== 'status') return undefined;
    if (!isObject(message.raw)) return undefined;
    const id = text(message.raw.messageId);
    const status = text(message.raw.status)?.toLowerCase();
    if (!id || !status) return undefined;
    // err-code 0 means no error (it comes with `delivered` and `accepted`).
    const errorCode = text(message.raw['err-code']);
    return {
      vendorMessageId: id,
      status,
      ...(errorCode && errorCode !== '0' ? { errorCode } : {}),
    };
  },
};
