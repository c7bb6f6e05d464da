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
import { SINCH_JSON, SINCH_VENDOR_NAME, sinchApiBaseUrl } from './sinch.constants';
import type { SinchSettings } from './sinch.settings';

/** Delivery report statuses that are not failures (no error code worth reporting). */
const NOT_FAILED = new Set(['queued', 'dispatched', 'delivered']);
/** Sinch's own limit on `client_reference`. */
const MAX_CLIENT_REFERENCE = 2048;

function batchesUrl(settings: SinchSettings): string {
  const base = (settings.apiBaseUrl ?? sinchApiBaseUrl(settings.region)).replace(/\/+$/, '');
  return `${base}/xms/v1/${encodeURIComponent(settings.servicePlanId ?? '')}/batches`;
}

/** Sinch's 400/403 answer `{code, text}` (e.g. `syntax_invalid_parameter_format`). */
export function sinchErrorDetail(answer: unknown): Omit<SendFailureDetail, 'status'> {
  if (!isObject(answer)) return {};
  const detail: Omit<SendFailureDetail, 'status'> = {};
  if (typeof answer.code === 'string') detail.code = answer.code;
  const words = [answer.code, answer.text].filter((part) => typeof part === 'string');
  if (words.length > 0) detail.reason = words.join(': ');
  return detail;
}

/**
 * Sinch SMS REST API: `POST /xms/v1/{service_plan_id}/batches` on the plan's regional host with
 * `Authorization: Bearer <API token>` and JSON `{from, to: [..], body}`; a 201 carries the batch
 * whose `id` delivery reports name as `batch_id`. The reference goes as `client_reference`, and
 * `delivery_report: per_recipient_final` asks for the one final report per message that
 * `receipt()` reads. Stateless.
 */
export class SinchSender implements VendorSender<SinchSettings> {
  missingSettings(settings: SinchSettings): string[] {
    const missing: string[] = [];
    if (!settings.servicePlanId) missing.push('servicePlanId');
    if (!settings.apiToken) missing.push('apiToken');
    return missing;
  }

  targets(settings: SinchSettings): string[] {
    return [batchesUrl(settings)];
  }

  async send(sms: OutboundSms, settings: SinchSettings, http: OutboundHttp): Promise<SendReceipt> {
    const missing = this.missingSettings(settings);
    if (missing.length > 0) {
      throw new SendRefusedError(`sinch cannot send: vendors.sinch.${missing.join(', ')} not set`);
    }
    const response = await callSendApi(SINCH_VENDOR_NAME, http, {
      method: 'POST',
      url: batchesUrl(settings),
      headers: {
        authorization: `Bearer ${settings.apiToken}`,
        'content-type': SINCH_JSON,
        accept: SINCH_JSON,
      },
      body: JSON.stringify({
        from: sms.from,
        to: [sms.to],
        body: sms.text,
        type: 'mt_text',
        delivery_report: 'per_recipient_final',
        client_reference: sms.reference.slice(0, MAX_CLIENT_REFERENCE),
      }),
    });
    const answer = jsonAnswer(response);
    if (response.status < 200 || response.status >= 300) {
      throw sendFailure(SINCH_VENDOR_NAME, response, sinchErrorDetail(answer));
    }
    if (!isObject(answer) || typeof answer.id !== 'string' || answer.id === '') {
      throw missingMessageId(SINCH_VENDOR_NAME, response.status);
    }
    // A created batch has no status field; Sinch queues every batch before dispatching it.
    return { vendorMessageId: answer.id, status: 'queued' };
  }

  /**
   * A `recipient_delivery_report_sms` callback (stored as kind `status`, `raw` the report): the
   * batch id, the status (`Delivered`, `Failed`, `Rejected`, ...) and, for a failure, `code`.
   */
  receipt(message: InboundMessage): DeliveryReceipt | undefined {
    if (message.vendor !== SINCH_VENDOR_NAME || message.kind !== 'status') return undefined;
    const report = message.raw;
    if (!isObject(report) || typeof report.batch_id !== 'string') return undefined;
    if (typeof report.status !== 'string' || report.status === '') return undefined;
    const status = report.status.toLowerCase();
    const code = typeof report.code === 'number' || typeof report.code === 'string';
    return {
      vendorMessageId: report.batch_id,
      status,
      ...(code && !NOT_FAILED.has(status) && { errorCode: String(report.code) }),
    };
  }
}
