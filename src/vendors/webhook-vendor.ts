import type { ClassConstructor } from 'class-transformer';
import type { InboundMessage } from './inbound-message';

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
  /** Throws `SignatureRejectedError` when the request is not authentic. */
  verify(request: WebhookRequest, settings: S): void | Promise<void>;
  /** Throws `MalformedPayloadError` (400) or `UnprocessablePayloadError` (422). */
  parse(request: WebhookRequest, settings: S): InboundMessage[];
  /** The success reply, sent only after every message is committed (or already held). */
  acknowledge(messages: readonly InboundMessage[], request: WebhookRequest): VendorAck;
}
