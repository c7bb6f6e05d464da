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
import { BIRD_OUTBOUND_SMS_EVENT, BIRD_VENDOR_NAME } from './bird.constants';
import { BIRD_API_BASE_URL, type BirdSettings } from './bird.settings';

/** A channel id as Bird writes it (a UUID), never a phone number or short code. */
const CHANNEL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `POST /workspaces/{workspaceId}/channels/{channelId}/messages` under the API base. */
export function birdSendPath(workspaceId: string, channelId: string): string {
  return `/workspaces/${workspaceId}/channels/${channelId}/messages`;
}

/**
 * The channel a reply goes out on: the one the customer texted when the inbound message named
 * it (Bird gives the channel id as recipient when it omits the number), else the configured one.
 */
export function birdChannelFor(sms: OutboundSms, settings: BirdSettings): string | undefined {
  return CHANNEL_UUID.test(sms.from) ? sms.from : settings.channelId;
}

/** The JSON body of one SMS, as Bird's Channels API documents it. */
export function birdSendBody(sms: OutboundSms): JsonObject {
  return {
    receiver: { contacts: [{ identifierKey: 'phonenumber', identifierValue: sms.to }] },
    body: { type: 'text', text: { text: sms.text } },
    // Bird keeps it on the message and in its status events.
    reference: sms.reference,
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Bird's errors: `{ code: "InvalidPayload", message, details: { "<field>": [why] } }`. */
function errorDetail(answer: unknown): Omit<SendFailureDetail, 'status'> {
  if (!isObject(answer)) return {};
  const details = isObject(answer.details)
    ? Object.entries(answer.details)
        .map(([field, why]) => `${field}: ${Array.isArray(why) ? why.join(', ') : String(why)}`)
        .join('; ')
    : '';
  const message = text(answer.message);
  const reason = [message, details].filter((part) => part).join(' ');
  return { code: text(answer.code), reason: reason === '' ? undefined : reason };
}

/**
 * Replies as SMS through Bird's Channels API with `Authorization: AccessKey <key>`. Bird answers
 * 202 with the message (`id`, `status: accepted`); its later status changes come to the webhook
 * as `sms.outbound` events. Stateless.
 */
export class BirdSender implements VendorSender<BirdSettings> {
  missingSettings(settings: BirdSettings): string[] {
    return (['accessKey', 'workspaceId', 'channelId'] as const).filter(
      (key) => settings[key] === undefined,
    );
  }

  targets(settings: BirdSettings): string[] {
    return [settings.apiBaseUrl ?? BIRD_API_BASE_URL];
  }

  async send(sms: OutboundSms, settings: BirdSettings, http: OutboundHttp): Promise<SendReceipt> {
    const channelId = birdChannelFor(sms, settings);
    if (
      settings.accessKey === undefined ||
      settings.workspaceId === undefined ||
      channelId === undefined
    ) {
      throw new SendDeferredError(
        `${BIRD_VENDOR_NAME} sending is not configured: vendors.${BIRD_VENDOR_NAME}.${this.missingSettings(settings).join(', ')} missing`,
      );
    }
    const base = (settings.apiBaseUrl ?? BIRD_API_BASE_URL).replace(/\/+$/, '');
    const response = await callSendApi(BIRD_VENDOR_NAME, http, {
      method: 'POST',
      url: `${base}${birdSendPath(settings.workspaceId, channelId)}`,
      headers: {
        authorization: `AccessKey ${settings.accessKey}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(birdSendBody(sms)),
    });
    const answer = jsonAnswer(response);
    if (response.status >= 200 && response.status < 300) {
      const id = isObject(answer) ? text(answer.id) : undefined;
      if (!id) {
        throw missingMessageId(BIRD_VENDOR_NAME, response.status);
      }
      return {
        vendorMessageId: id,
        status: (text((answer as JsonObject).status) ?? 'accepted').toLowerCase(),
      };
    }
    throw sendFailure(BIRD_VENDOR_NAME, response, errorDetail(answer));
  }

  /** An `sms.outbound` status event (stored as kind `status`, `raw` = the notification). */
  receipt(message: InboundMessage): DeliveryReceipt | undefined {
    if (message.vendor !== BIRD_VENDOR_NAME || message.kind !== 'status') return undefined;
    const notification = message.raw;
    if (!isObject(notification) || notification.event !== BIRD_OUTBOUND_SMS_EVENT) return undefined;
    const payload = isObject(notification.payload) ? notification.payload : {};
    const vendorMessageId = text(payload.id);
    const status = text(payload.status);
    if (!vendorMessageId || !status) return undefined;
    const failure = isObject(payload.failure) ? payload.failure : undefined;
    const source = failure && isObject(failure.source) ? failure.source : undefined;
    const code = failure?.code ?? source?.code ?? payload.reason;
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
