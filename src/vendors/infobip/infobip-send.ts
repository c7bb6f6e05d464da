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
  SendRefusedError,
  sendFailure,
} from '../kit/send';
import { INFOBIP_VENDOR_NAME } from './infobip.constants';
import type { InfobipSettings } from './infobip.settings';

/** Infobip's "Send SMS message" endpoint (SMS API v2, fully featured textual message). */
export const INFOBIP_SEND_PATH = '/sms/2/text/advanced';

/**
 * Status groups of a message Infobip will not deliver (UNDELIVERABLE, EXPIRED, REJECTED): in a
 * send answer they mean it refused the message although the HTTP status is 200.
 */
const NOT_SENT_GROUPS = new Set([2, 4, 5]);
/** "Rejected due to an expected system error. Retry the submission": not a refusal for good. */
const RETRYABLE_STATUS = 'REJECTED_SYSTEM_ERROR';

/** Infobip writes numbers in international format without '+' ("41793026727"). */
export function infobipNumber(e164: string): string {
  return e164.replace(/^\+/, '');
}

function sendUrl(apiBaseUrl: string): string {
  return `${apiBaseUrl.replace(/\/+$/, '')}${INFOBIP_SEND_PATH}`;
}

/** The JSON body of one SMS, as Infobip documents it. */
export function infobipSendBody(sms: OutboundSms): JsonObject {
  return {
    messages: [
      {
        from: infobipNumber(sms.from),
        destinations: [{ to: infobipNumber(sms.to) }],
        text: sms.text,
        // Comes back in the delivery report, so a report can be traced to its response entry.
        callbackData: sms.reference,
      },
    ],
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The error in a non-2xx answer: SMS API v2 wraps it as
 * `{ requestError: { serviceException: { messageId, text } } }`; newer APIs answer
 * `{ errorCode, description }`.
 */
function errorDetail(answer: unknown): Omit<SendFailureDetail, 'status'> {
  if (!isObject(answer)) return {};
  const exception =
    isObject(answer.requestError) && isObject(answer.requestError.serviceException)
      ? answer.requestError.serviceException
      : undefined;
  if (exception) return { code: text(exception.messageId), reason: text(exception.text) };
  return { code: text(answer.errorCode), reason: text(answer.description) };
}

/** The first `messages[]` item of a 2xx answer: accepted, or refused inside the 200. */
function acceptance(answer: unknown, httpStatus: number): SendReceipt {
  const first =
    isObject(answer) && Array.isArray(answer.messages) && isObject(answer.messages[0])
      ? answer.messages[0]
      : undefined;
  const messageId = text(first?.messageId);
  if (!first || !messageId) {
    throw missingMessageId(INFOBIP_VENDOR_NAME, httpStatus);
  }
  const status = isObject(first.status) ? first.status : {};
  const name = text(status.name);
  const detail: SendFailureDetail = {
    status: httpStatus,
    code: name,
    reason: text(status.description),
  };
  if (name === RETRYABLE_STATUS) {
    throw new SendDeferredError(
      `${INFOBIP_VENDOR_NAME} did not take the message (${name})`,
      detail,
    );
  }
  if (typeof status.groupId === 'number' && NOT_SENT_GROUPS.has(status.groupId)) {
    throw new SendRefusedError(
      `${INFOBIP_VENDOR_NAME} refused the message (${name ?? `status group ${status.groupId}`})`,
      detail,
    );
  }
  return {
    vendorMessageId: messageId,
    status: (text(status.groupName) ?? 'pending').toLowerCase(),
  };
}

/**
 * Replies as SMS through Infobip's SMS API: `POST {apiBaseUrl}/sms/2/text/advanced` with
 * `Authorization: App <api key>`. Infobip answers 200 even for a message it refuses, with the
 * refusal in `messages[].status` (group REJECTED, e.g. REJECTED_DESTINATION); delivery reports
 * come to the webhook as `results[]` items with a `status` object. Stateless.
 */
export class InfobipSender implements VendorSender<InfobipSettings> {
  missingSettings(settings: InfobipSettings): string[] {
    return (['apiBaseUrl', 'apiKey'] as const).filter((key) => settings[key] === undefined);
  }

  targets(settings: InfobipSettings): string[] {
    return settings.apiBaseUrl === undefined ? [] : [settings.apiBaseUrl];
  }

  async send(
    sms: OutboundSms,
    settings: InfobipSettings,
    http: OutboundHttp,
  ): Promise<SendReceipt> {
    const missing = this.missingSettings(settings);
    if (settings.apiBaseUrl === undefined || settings.apiKey === undefined) {
      throw new SendDeferredError(
        `${INFOBIP_VENDOR_NAME} sending is not configured: vendors.${INFOBIP_VENDOR_NAME}.${missing.join(', ')} missing`,
      );
    }
    const response = await callSendApi(INFOBIP_VENDOR_NAME, http, {
      method: 'POST',
      url: sendUrl(settings.apiBaseUrl),
      headers: {
        authorization: `App ${settings.apiKey}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(infobipSendBody(sms)),
    });
    const answer = jsonAnswer(response);
    if (response.status >= 200 && response.status < 300) {
      return acceptance(answer, response.status);
    }
    throw sendFailure(INFOBIP_VENDOR_NAME, response, errorDetail(answer));
  }

  /** A delivery report (stored as kind `status`, `raw` = the `results[]` item) as a receipt. */
  receipt(message: InboundMessage): DeliveryReceipt | undefined {
    if (message.vendor !== INFOBIP_VENDOR_NAME || message.kind !== 'status') return undefined;
    const report = message.raw;
    if (!isObject(report) || !isObject(report.status)) return undefined;
    const vendorMessageId = text(report.messageId);
    const status = text(report.status.groupName) ?? text(report.status.name);
    if (!vendorMessageId || !status) return undefined;
    const error = isObject(report.error) ? report.error : undefined;
    // An error object is always present; id 0 (NO_ERROR) means none.
    const errorCode =
      error && typeof error.id === 'number' && error.id !== 0
        ? (text(error.name) ?? String(error.id))
        : undefined;
    return {
      vendorMessageId,
      status: status.toLowerCase(),
      ...(errorCode === undefined ? {} : { errorCode }),
    };
  }
}
