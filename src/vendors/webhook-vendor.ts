import type { ClassConstructor } from 'class-transformer';
import type { OutboundHttp } from '../allowlist/outbound/outbound-http.port';
import type { InboundMessage } from '../messages/inbound-message';
import type { VendorSender } from './kit/send';

/**
 * Everything a vendor module may look at when it verifies and parses one webhook.
 * Built once per request by the webhook controller; vendors never see Fastify objects.
 */
export interface WebhookRequest {
  vendor: string;
  method: string;
  /**
   * The URL the vendor called, rebuilt from the configured public base URL plus the path and
   * query as received, because signatures cover the URL the vendor used and proxies rewrite Host.
   */
  publicUrl: string;
  /** Raw query string without the leading '?', '' when absent. */
  query: string;
  /** Exact request bytes; signatures are computed over these, never over a re-serialization. */
  rawBody: Buffer;
  /** Media type only, lower-cased, e.g. 'application/json' (parameters such as charset dropped). */
  contentType: string;
  /** Lower-cased header names, as Node delivers them. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  receivedAt: Date;
}

/** The reply a vendor expects once its messages are durably stored. */
export interface VendorAck {
  status: number;
  contentType: string;
  body: string;
}

/**
 * What a verifier tells the gateway to enforce when the messages are stored. A replay key is
 * claimed in the same transaction that stores the messages, so a nonce is used up exactly when
 * its webhook is accepted: a vendor retry after a 503 is not mistaken for a replay.
 */
export interface Verification {
  /** A value the vendor never sends twice (its nonce); a second request bearing it gets 401. */
  replayKey?: string;
  /** How long the key is remembered: at least the scheme's timestamp tolerance. */
  replayTtlMs?: number;
}

/** Gateway services a vendor module may use; it holds no other state. */
export interface VendorServices {
  /** Outbound HTTP through the outbound allowlist (certificate fetches, confirmations). */
  http: OutboundHttp;
  /**
   * True when `vendors.<name>.allowedSources` is configured, so the request already came from a
   * listed source. Vendors that sign nothing (Basic auth or source list) rely on it.
   */
  sourceListed: boolean;
}

/**
 * The vendor module contract. Implementations are stateless: per-vendor settings (secrets
 * already resolved) are validated once at start-up and handed in on every call.
 */
export interface WebhookVendor<S extends object = object> {
  /** Path segment in `/vendors/:name/webhook` and key under `vendors.` in configuration. */
  readonly name: string;
  /** class-validator class describing `vendors.<name>` settings. */
  readonly settingsClass: ClassConstructor<S>;
  /** Property names of `settingsClass` that hold secret references (env:, file:, ...). */
  readonly secretSettings: readonly (keyof S & string)[];
  /** Media types this vendor sends; anything else is answered 415. */
  readonly contentTypes: readonly string[];
  /**
   * Throws `SignatureRejectedError` when the request is not authentic (or too old). Runs before
   * anything parses the body. Returns what must be enforced at storage time, if anything.
   */
  verify(
    request: WebhookRequest,
    settings: S,
    services: VendorServices,
  ): Verification | void | Promise<Verification | void>;
  /**
   * Throws `MalformedPayloadError` (400) or `UnprocessablePayloadError` (422); a batch with one
   * bad item is refused whole, naming the item. An empty list is a control event (e.g. a
   * subscription confirmation): acknowledged, nothing stored.
   */
  parse(
    request: WebhookRequest,
    settings: S,
    services: VendorServices,
  ): InboundMessage[] | Promise<InboundMessage[]>;
  /** The success reply, sent only after every message is committed (or already held). */
  acknowledge(messages: readonly InboundMessage[], request: WebhookRequest): VendorAck;
  /**
   * How agents' responses go back as SMS through this vendor (kit/send.ts). Absent: the vendor
   * has no send API, and start-up says so when replies are on and the vendor is enabled.
   */
  readonly sender?: VendorSender<S>;
}
