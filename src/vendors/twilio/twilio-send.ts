import { basicAuthorization, callSendApi, jsonAnswer } from '../kit/call-send-api';
import { isObject } from '../kit/payload';
import {
  sendFailure,
  SendOutcomeUnknownError,
  type DeliveryReceipt,
  type OutboundSms,
  type SendReceipt,
  type VendorSender,
} from '../kit/send';
import type { InboundMessage } from '../../messages/inbound-message';
import { TWILIO_FORM, TWILIO_VENDOR_NAME } from './twilio.constants';
import type { TwilioSettings } from './twilio.settings';

/** The Messages resource of the 2010-04-01 REST API, under `apiBaseUrl`. */
export function twilioMessagesUrl(settings: Pick<TwilioSettings, 'apiBaseUrl' | 'accountSid'>) {
  const base = settings.apiBaseUrl.replace(/\/+$/, '');
  return `${base}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid ?? '')}/Messages.json`;
}

/** The form Twilio documents for creating a Message: To, From, Body (+ StatusCallback). */
export function twilioSendForm(sms: OutboundSms, settings: TwilioSettings): URLSearchParams {
  const form = new URLSearchParams({ To: sms.to, From: sms.from, Body: sms.text });
  if (settings.statusCallbackUrl) form.set('StatusCallback', settings.statusCallbackUrl);
  return form;
}

function authorization(settings: TwilioSettings): string {
  return settings.apiKeySid && settings.apiKeySecret
    ? basicAuthorization(settings.apiKeySid, settings.apiKeySecret)
    : basicAuthorization(settings.accountSid ?? '', settings.authToken);
}

const text = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;

/**
 * Programmable Messaging: POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded,
 * HTTP Basic (Account SID + auth token, or API key + secret). Twilio answers 201 with the
 * Message resource; errors as `{code, message, more_info, status}` (e.g. 21211 invalid To,
 * 21610 recipient opted out, 20003 authentication, 20429 too many requests).
 * Twilio's Messages API takes no client reference or idempotency key, so `reference` is unused.
 */
export const twilioSender: VendorSender<TwilioSettings> = {
  missingSettings(settings) {
    const missing: string[] = [];
    if (!settings.accountSid) missing.push('accountSid');
    if (Boolean(settings.apiKeySid) !== Boolean(settings.apiKeySecret)) {
      missing.push(settings.apiKeySid ? 'apiKeySecret' : 'apiKeySid');
    }
    return missing;
  },

  targets: (settings) => [twilioMessagesUrl(settings)],

  async send(sms, settings, http): Promise<SendReceipt> {
    const response = await callSendApi(TWILIO_VENDOR_NAME, http, {
      method: 'POST',
      url: twilioMessagesUrl(settings),
      headers: {
        authorization: authorization(settings),
        'content-type': TWILIO_FORM,
        accept: 'application/json',
      },
      body: twilioSendForm(sms, settings).toString(),
    });
    const answer = jsonAnswer(response);
    const body = isObject(answer) ? answer : {};
    if (response.status >= 200 && response.status < 300) {
      const sid = text(body.sid);
      if (!sid) {
        throw new SendOutcomeUnknownError(
          `twilio answered ${response.status} without a message sid`,
          { status: response.status },
        );
      }
      return { vendorMessageId: sid, status: text(body.status) ?? 'queued' };
    }
    throw sendFailure(TWILIO_VENDOR_NAME, response, {
      code: text(body.code),
      reason: text(body.message),
    });
  },

  receipt(message: InboundMessage): DeliveryReceipt | undefined {
    if (message.vendor !== TWILIO_VENDOR_NAME || message.kind !== 'status') return undefined;
    if (!isObject(message.raw)) return undefined;
    const raw = message.raw;
    const sid = text(raw.MessageSid ?? raw.SmsSid ?? raw.sid);
    const status = text(raw.MessageStatus ?? raw.SmsStatus)?.toLowerCase();
    if (!sid || !status) return undefined;
    const errorCode = text(raw.ErrorCode);
    return { vendorMessageId: sid, status, ...(errorCode ? { errorCode } : {}) };
  },
};
