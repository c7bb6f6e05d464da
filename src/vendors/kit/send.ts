import type { OutboundHttp, OutboundResponse } from '../../allowlist/outbound/outbound-http.port';
import type { InboundMessage } from '../../messages/inbound-message';

/**
 * The optional `send` part of a vendor module: how an agent's response goes back to the
 * customer as an SMS through this vendor's send API. Plain HTTPS through the outbound guard
 * (`services.http`); the vendor's documented request shape and authentication; credentials are
 * settings of `vendors.<name>` listed in `secretSettings`, like the webhook secret.
 */
export interface OutboundSms {
  /** The number the customer texted (E.164 as stored): the reply comes from it. */
  from: string;
  /** The customer's number (E.164). */
  to: string;
  /** Plain text, already cut to the configured number of segments; one request carries it all. */
  text: string;
  /**
   * Ours, unique per response entry (e.g. `b2c-thread-1234`): sent where the vendor takes a
   * client reference or idempotency key, so the vendor itself can refuse a second copy.
   */
  reference: string;
}

/** What the vendor answered when it took the message. */
export interface SendReceipt {
  /** The vendor's id of the outbound message: delivery receipts name it. */
  vendorMessageId: string;
  /** The vendor's status word at acceptance, e.g. `queued`, `accepted`. */
  status: string;
}

/** A delivery receipt (status callback) for a message this gateway sent. */
export interface DeliveryReceipt {
  vendorMessageId: string;
  /** The vendor's status word, lower-case, e.g. `delivered`, `undelivered`, `failed`. */
  status: string;
  /** The vendor's error code when the status is a failure, as sent. */
  errorCode?: string;
}

/** Why a send failed, as far as the vendor's answer tells. */
export interface SendFailureDetail {
  /** HTTP status of the vendor's answer, when there was one. */
  status?: number;
  /** The vendor's own error code, e.g. Twilio `21211`, as a string. */
  code?: string;
  /** The vendor's human-readable reason (never a credential). */
  reason?: string;
}

/**
 * The vendor refused this message for good (invalid or unreachable number, opted out, content
 * refused, credentials refused): nothing was sent. The agent is told with a Note.
 */
export class SendRefusedError extends Error {
  override name = 'SendRefusedError';
  constructor(
    message: string,
    readonly detail: SendFailureDetail = {},
  ) {
    super(message);
  }
}

/**
 * The vendor did not take the message and said so (429, or a 503 that names overload), or the
 * request never left (connection refused): safe to send again later.
 */
export class SendDeferredError extends Error {
  override name = 'SendDeferredError';
  constructor(
    message: string,
    readonly detail: SendFailureDetail = {},
    /** From the vendor's Retry-After, when it gave one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * The request may have reached the vendor but its answer is unknown (timeout, connection lost,
 * a 5xx): sending again could text the customer twice, so it is not repeated blindly.
 */
export class SendOutcomeUnknownError extends Error {
  override name = 'SendOutcomeUnknownError';
  constructor(
    message: string,
    readonly detail: SendFailureDetail = {},
  ) {
    super(message);
  }
}

export interface VendorSender<S extends object = object> {
  /**
   * The setting keys (under `vendors.<name>`) a send needs that these settings lack, e.g.
   * `['accountSid']`. Empty when sending can work. Start-up names them when replies are on.
   */
  missingSettings(settings: S): string[];
  /** Every URL a send calls (its API base), checked against the outbound allowlist at start-up. */
  targets(settings: S): string[];
  /**
   * Sends one SMS. Resolves with the vendor's receipt; rejects with `SendRefusedError`,
   * `SendDeferredError` or `SendOutcomeUnknownError` (see `sendFailure` for the usual mapping).
   */
  send(sms: OutboundSms, settings: S, http: OutboundHttp): Promise<SendReceipt>;
  /**
   * The receipt in a status callback this vendor posted (an `InboundMessage` of kind `status`),
   * or undefined when it is not one.
   */
  receipt(message: InboundMessage): DeliveryReceipt | undefined;
}

/**
 * A 2xx answer in which the vendor's message id cannot be read: the message was probably taken,
 * and sending it again could text the customer twice.
 */
export function missingMessageId(vendor: string, status: number): SendOutcomeUnknownError {
  return new SendOutcomeUnknownError(
    `${vendor} answered ${status} without a message id; the message may have been sent`,
    { status },
  );
}

/** Vendors' send APIs answer within seconds; longer means the outcome is unknown. */
export const SEND_TIMEOUT_MS = 15_000;

function retryAfterMs(response: OutboundResponse): number | undefined {
  const value = response.headers['retry-after'];
  const seconds = Number(Array.isArray(value) ? value[0] : value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * The usual reading of a vendor's non-2xx answer: 429 → deferred (not taken); other 4xx →
 * refused; 5xx and anything else → unknown (some vendors answer 5xx after queueing). A vendor
 * whose API says otherwise (e.g. errors inside a 200) maps its own answers first.
 */
export function sendFailure(
  vendor: string,
  response: OutboundResponse,
  detail: Omit<SendFailureDetail, 'status'> = {},
): Error {
  const full: SendFailureDetail = { status: response.status, ...detail };
  const said = detail.reason ? `: ${detail.reason}` : '';
  if (response.status === 429) {
    return new SendDeferredError(
      `${vendor} is throttling sends (429)${said}`,
      full,
      retryAfterMs(response),
    );
  }
  if (response.status >= 400 && response.status < 500) {
    return new SendRefusedError(`${vendor} refused the message (${response.status})${said}`, full);
  }
  return new SendOutcomeUnknownError(
    `${vendor} answered ${response.status}; the message may have been sent${said}`,
    full,
  );
}
