import type { OutboundHttp } from '../../allowlist/outbound/outbound-http.port';
import type { InboundMessage } from '../../messages/inbound-message';
import { callSendApi, jsonAnswer } from '../kit/call-send-api';
import { isObject, type JsonObject } from '../kit/payload';
import {
  type DeliveryReceipt,
  type OutboundSms,
  type SendFailureDetail,
  type SendReceipt,
  type VendorSender,
  SendDeferredError,
  missingMessageId,
  sendFailure,
} from '../kit/send';
import { MESSAGEBIRD_VENDOR_NAME } from './messagebird.constants';
import { MESSAGEBIRD_API_BASE_URL, type MessagebirdSettings } from './messagebird.settings';

/** The SMS API's "create message" resource. */
export const MESSAGEBIRD_SEND_PATH = '/messages';

/** MessageBird writes MSISDNs without '+' ("31612345678"). */
function msisdn(e164: string): string {
  return e164.replace(/^\+/, '');
}

/** The JSON body of one SMS, as the SMS API documents it. */
export function messagebirdSendBody(sms: OutboundSms): JsonObject {
  return {
    originator: msisdn(sms.from),
    recipients: [msisdn(sms.to)],
    body: sms.text,
    // MessageBird posts status reports only for messages that carry a reference.
    reference: sms.reference,
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `{ errors: [{ code: 9, description: "no (correct) recipients found", parameter }] }`. */
function errorDetail(answer: unknown): Omit<SendFailureDetail, 'status'> {
  const errors = isObject(answer) && Array.isArray(answer.errors) ? answer.errors : [];
  const first = isObject(errors[0]) ? errors[0] : undefined;
  if (!first) return {};
  const code = typeof first.code === 'number' ? String(first.code) : text(first.code);
  const parameter = text(first.parameter);
  const description = text(first.description);
  return {
    code,
    reason: description && parameter ? `${description} (${parameter})` : description,
  };
}

/** The status MessageBird gave the (only) recipient, e.g. `sent` or `scheduled`. */
function recipientStatus(answer: JsonObject): string {
  const recipients = isObject(answer.recipients) ? answer.recipients : {};
  const items = Array.isArray(recipients.items) ? recipients.items : [];
  const first = isObject(items[0]) ? items[0] : {};
  return (text(first.status) ?? 'sent').toLowerCase();
}

/**
 * Replies as SMS through MessageBird's (legacy) SMS API: `POST https://rest.messagebird.com/messages`
 * with `Authorization: AccessKey <key>`. MessageBird answers 201 with the message; status
 * reports come to the webhook with `id`, `reference`, `recipient` and `status`. Stateless.
 */
export class MessagebirdSender implements VendorSender<MessagebirdSettings> {
  missingSettings(settings: MessagebirdSettings): string[] {
    return settings.accessKey === undefined ? ['accessKey'] : [];
  }

  targets(settings: MessagebirdSettings): string[] {
    return [settings.apiBaseUrl ?? MESSAGEBIRD_API_BASE_URL];
  }

  async send(
    sms: OutboundSms,
    settings: MessagebirdSettings,
    http: OutboundHttp,
  ): Promise<SendReceipt> {
    if (settings.accessKey === undefined) {
      throw new SendDeferredError(
        `${MESSAGEBIRD_VENDOR_NAME} sending is not configured: vendors.${MESSAGEBIRD_VENDOR_NAME}.accessKey missing`,
      );
    }
    const base = (settings.apiBaseUrl ?? MESSAGEBIRD_API_BASE_URL).replace(/\/+$/, '');
    const response = await callSendApi(MESSAGEBIRD_VENDOR_NAME, http, {
      method: 'POST',
      url: `${base}${MESSAGEBIRD_SEND_PATH}`,
      headers: {
        authorization: `AccessKey ${settings.accessKey}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(messagebirdSendBody(sms)),
    });
    const answer = jsonAnswer(response);
    if (response.status >= 200 && response.status < 300) {
      const id = isObject(answer) ? text(answer.id) : undefined;
      if (!isObject(answer) || !id) {
        throw missingMessageId(MESSAGEBIRD_VENDOR_NAME, response.status);
      }
      return { vendorMessageId: id, status: recipientStatus(answer) };
    }
    throw sendFailure(MESSAGEBIRD_VENDOR_NAME, response, errorDetail(answer));
  }

  /** An SMS API status report (stored as kind `status`, `raw` = its parameters). */
  receipt(message: InboundMessage): DeliveryReceipt | undefined {
    if (message.vendor !== MESSAGEBIRD_VENDOR_NAME || message.kind !== 'status') return undefined;
    const report = message.raw;
    if (!isObject(report)) return undefined;
    const vendorMessageId = text(report.id);
    const status = text(report.status);
    if (!vendorMessageId || !status) return undefined;
    // Form reports carry every value as a string; JSON ones may carry numbers.
    const code = report.statusErrorCode;
    const errorCode =
      typeof code === 'number' || (typeof code === 'string' && code !== '')
        ? String(code)
        : undefined;
    return {
      vendorMessageId,
      status: status.toLowerCase(),
      ...(errorCode === undefined ? {} : { errorCode }),
    };
  }
}
