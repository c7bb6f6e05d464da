import { basicAuthorization, callSendApi, jsonAnswer } from '../kit/call-send-api';
import { isObject } from '../kit/payload';
import {
  sendFailure,
  SendOutcomeUnknownError,
  type DeliveryReceipt,
  type VendorSender,
} from '../kit/send';
import type { InboundMessage } from '../../messages/inbound-message';
import { PLIVO_VENDOR_NAME } from './plivo.constants';
import type { PlivoSettings } from './plivo.settings';

export function plivoMessageUrl(settings: Pick<PlivoSettings, 'apiBaseUrl' | 'authId'>): string {
  const base = settings.apiBaseUrl.replace(/\/+$/, '');
  return `${base}/v1/Account/${encodeURIComponent(settings.authId ?? '')}/Message/`;
}

/** Plivo writes numbers without the `+` (it accepts both). */
const digits = (e164: string) => e164.replace(/^\+/, '');

const text = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;

/** The documented JSON body: src, dst, text, type sms (+ url, the status callback). */
export function plivoSendBody(
  sms: { from: string; to: string; text: string },
  settings: Pick<PlivoSettings, 'statusCallbackUrl'>,
): Record<string, string> {
  return {
    src: digits(sms.from),
    dst: digits(sms.to),
    text: sms.text,
    type: 'sms',
    ...(settings.statusCallbackUrl ? { url: settings.statusCallbackUrl, method: 'POST' } : {}),
  };
}

/**
 * Message API: POST /v1/Account/{auth_id}/Message/ with HTTP Basic (Auth ID + auth token) and a
 * JSON body. Plivo answers 202 `{api_id, message, message_uuid: [..]}`; errors as 4xx
 * `{api_id, error}` (400 invalid parameters such as dst, 401 authentication). Plivo's API takes
 * no client reference, so `reference` is unused.
 */
export const plivoSender: VendorSender<PlivoSettings> = {
  missingSettings: (settings) => (settings.authId ? [] : ['authId']),

  targets: (settings) => [plivoMessageUrl(settings)],

  async send(sms, settings, http) {
    const response = await callSendApi(PLIVO_VENDOR_NAME, http, {
      method: 'POST',
      url: plivoMessageUrl(settings),
      headers: {
        authorization: basicAuthorization(settings.authId ?? '', settings.authToken),
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(plivoSendBody(sms, settings)),
    });
    const answer = jsonAnswer(response);
    const body = isObject(answer) ? answer : {};
    if (response.status < 200 || response.status >= 300) {
      throw sendFailure(PLIVO_VENDOR_NAME, response, { reason: text(body.error) });
    }
    const uuids = Array.isArray(body.message_uuid) ? body.message_uuid : [];
    const first = text(uuids[0]);
    if (!first) {
      throw new SendOutcomeUnknownError(
        `plivo answered ${response.status} without a message_uuid`,
        {
          status: response.status,
        },
      );
    }
    return { vendorMessageId: first, status: 'queued' };
  },

  receipt(message: InboundMessage): DeliveryReceipt | undefined {
    if (message.vendor !== PLIVO_VENDOR_NAME || message.kind !== 'status') return undefined;
    if (!isObject(message.raw)) return undefined;
    // A long text is sent in parts: ParentMessageUUID names the message we were answered with.
    const id = text(message.raw.ParentMessageUUID) || text(message.raw.MessageUUID);
    const status = text(message.raw.Status)?.toLowerCase();
    if (!id || !status) return undefined;
    const errorCode = text(message.raw.ErrorCode);
    return { vendorMessageId: id, status, ...(errorCode ? { errorCode } : {}) };
  },
};
