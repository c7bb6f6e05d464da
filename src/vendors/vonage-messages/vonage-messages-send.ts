import { randomUUID } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
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
  SendOutcomeUnknownError,
  SendRefusedError,
  sendFailure,
} from '../kit/send';
import {
  VONAGE_MESSAGES_CLIENT_REF_MAX,
  VONAGE_MESSAGES_JSON,
  VONAGE_MESSAGES_JWT_TTL_SECONDS,
  VONAGE_MESSAGES_SEND_PATH,
  VONAGE_MESSAGES_VENDOR_NAME,
} from './vonage-messages.constants';
import type { VonageMessagesSettings } from './vonage-messages.settings';

type SendSettings = Pick<
  VonageMessagesSettings,
  'apiKey' | 'apiSecret' | 'applicationId' | 'privateKey' | 'apiBaseUrl'
>;

function messagesUrl(settings: Pick<VonageMessagesSettings, 'apiBaseUrl'>): string {
  return `${settings.apiBaseUrl.replace(/\/+$/, '')}${VONAGE_MESSAGES_SEND_PATH}`;
}

/** Vonage writes numbers in E.164 without the `+`. */
const digits = (e164: string) => e164.replace(/^\+/, '');

const text = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;

/** The JSON body of an SMS through the Messages API. */
export function vonageMessagesSmsBody(sms: OutboundSms): Record<string, string> {
  return {
    message_type: 'text',
    channel: 'sms',
    to: digits(sms.to),
    from: digits(sms.from),
    text: sms.text,
    client_ref: sms.reference.slice(0, VONAGE_MESSAGES_CLIENT_REF_MAX),
  };
}

/** With an application id or a private key set, the JWT pair is what counts. */
const usesJwt = (settings: SendSettings) =>
  settings.applicationId !== undefined || settings.privateKey !== undefined;

/**
 * `Bearer <JWT>` signed RS256 with the application's private key, with the claims Vonage's own
 * JWT library sets (application_id, iat, jti, exp); or HTTP Basic with the API key and secret.
 */
export async function vonageMessagesAuthorization(settings: SendSettings): Promise<string> {
  if (usesJwt(settings)) {
    // Secret stores and env files often hold a PEM on one line with `\n` escapes.
    const pem = (settings.privateKey ?? '').replace(/\\n/g, '\n');
    let key: Awaited<ReturnType<typeof importPKCS8>>;
    try {
      key = await importPKCS8(pem, 'RS256');
    } catch {
      // The key's text stays out of the message.
      throw new SendRefusedError(
        'vonage-messages cannot send: vendors.vonage-messages.privateKey is not a PKCS #8 RSA key',
      );
    }
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ application_id: settings.applicationId })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuedAt(now)
      .setJti(randomUUID())
      .setExpirationTime(now + VONAGE_MESSAGES_JWT_TTL_SECONDS)
      .sign(key);
    return `Bearer ${token}`;
  }
  return basicAuthorization(settings.apiKey ?? '', settings.apiSecret ?? '');
}

/**
 * An RFC 7807 problem as the Messages API answers one: the code is the `type` URL's fragment
 * (`.../api-errors/messages#1150`, `.../api-errors#unauthorized`), the reason title and detail.
 */
export function vonageProblemDetail(answer: unknown): Omit<SendFailureDetail, 'status'> {
  if (!isObject(answer)) return {};
  const detail: Omit<SendFailureDetail, 'status'> = {};
  const type = text(answer.type);
  const fragment = type?.includes('#') ? type.slice(type.lastIndexOf('#') + 1) : undefined;
  if (fragment) detail.code = fragment;
  const words = [text(answer.title), text(answer.detail)].filter((part) => part !== undefined);
  if (words.length > 0) detail.reason = words.join(': ');
  return detail;
}

/**
 * Messages API (v1): `POST https://api.nexmo.com/v1/messages` with JSON `{message_type: "text",
 * channel: "sms", to, from, text, client_ref}` (numbers without `+`), authenticated with a JWT
 * of the Vonage application (applicationId + privateKey) or HTTP Basic (apiKey + apiSecret). A
 * 202 carries `message_uuid`; errors are RFC 7807 problems (401 unauthorized, 422 invalid
 * parameters such as `to`, 429 throttled). The reference goes as `client_ref`, which every
 * status callback repeats. Stateless.
 */
export class VonageMessagesSender implements VendorSender<VonageMessagesSettings> {
  missingSettings(settings: VonageMessagesSettings): string[] {
    const needed = usesJwt(settings)
      ? (['applicationId', 'privateKey'] as const)
      : (['apiKey', 'apiSecret'] as const);
    return needed.filter((key) => !settings[key]);
  }

  targets(settings: VonageMessagesSettings): string[] {
    return [messagesUrl(settings)];
  }

  async send(
    sms: OutboundSms,
    settings: VonageMessagesSettings,
    http: OutboundHttp,
  ): Promise<SendReceipt> {
    const missing = this.missingSettings(settings);
    if (missing.length > 0) {
      throw new SendRefusedError(
        `vonage-messages cannot send: ${missing.map((key) => `vendors.vonage-messages.${key}`).join(', ')} not set`,
      );
    }
    const response = await callSendApi(VONAGE_MESSAGES_VENDOR_NAME, http, {
      method: 'POST',
      url: messagesUrl(settings),
      headers: {
        authorization: await vonageMessagesAuthorization(settings),
        'content-type': VONAGE_MESSAGES_JSON,
        accept: VONAGE_MESSAGES_JSON,
      },
      body: JSON.stringify(vonageMessagesSmsBody(sms)),
    });
    const answer = jsonAnswer(response);
    if (response.status < 200 || response.status >= 300) {
      throw sendFailure(VONAGE_MESSAGES_VENDOR_NAME, response, vonageProblemDetail(answer));
    }
    const uuid = isObject(answer) ? text(answer.message_uuid) : undefined;
    if (!uuid) {
      // Taken (2xx) but unreadable: sending again could text the customer twice.
      throw new SendOutcomeUnknownError(
        `vonage-messages answered ${response.status} without a message_uuid; the message may have been sent`,
        { status: response.status },
      );
    }
    return { vendorMessageId: uuid, status: 'accepted' };
  }

  /**
   * A message status callback (kind `status`, `raw` the callback): `submitted`, `delivered`,
   * `rejected`, `undeliverable`, ...; a failure's `error` names the code in `title` (a number)
   * or, as in API answers, in the fragment of its `type` URL.
   */
  receipt(message: InboundMessage): DeliveryReceipt | undefined {
    if (message.vendor !== VONAGE_MESSAGES_VENDOR_NAME || message.kind !== 'status') {
      return undefined;
    }
    if (!isObject(message.raw)) return undefined;
    const id = text(message.raw.message_uuid);
    const status = text(message.raw.status)?.toLowerCase();
    if (!id || !status) return undefined;
    const error = message.raw.error;
    const title = isObject(error) ? text(error.title) : undefined;
    const errorCode =
      title !== undefined && /^\d+$/.test(title) ? title : vonageProblemDetail(error).code;
    return { vendorMessageId: id, status, ...(errorCode ? { errorCode } : {}) };
  }
}
