import type { SendStandIn } from '../kit/send-stand-in';

/**
 * What a vendor folder gives the shared conformance suite (test/vendor-conformance.e2e-spec.ts):
 * a way to make real, correctly signed deliveries and a description of its scheme. The suite
 * finds every `src/vendors/<name>/fixtures/<name>.conformance.ts` exporting `conformance`, so a
 * new vendor is checked without any file outside its folder naming it.
 */
export interface TestDelivery {
  /** Path and query, e.g. `/vendors/sinch/webhook` or `/vendors/vonage-sms/webhook?sig=...`. */
  path: string;
  /** Includes content-type and the vendor's signature or credential headers. */
  headers: Record<string, string>;
  body: Buffer | string;
  /** Defaults to POST. */
  method?: 'POST' | 'GET';
}

export interface ConformanceResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface ConformanceKit {
  /** The vendor's registered name: its folder and its path segment. */
  vendor: string;
  /**
   * Environment for a gateway that has this vendor enabled with test secrets (`VENDOR_<NAME>__*`
   * and anything else the scheme needs). The suite adds the base environment, including
   * PUBLIC_BASE_URL = `https://gateway.example.com`, which signed URLs must use.
   */
  env: Record<string, string>;
  /**
   * A correctly authenticated delivery of event `id`, made at `at` (default now). Called again
   * with the same id it is the vendor's retry of that event: a fresh nonce and timestamp where
   * the scheme has them. The body must contain `id` verbatim (the suite tampers with it).
   */
  deliver(id: string, options?: { at?: Date }): TestDelivery | Promise<TestDelivery>;
  /** The message ids the gateway stores for a delivery of `id`, usually `[id]`. */
  messageIds(id: string): string[];
  /** Correctly authenticated, with a payload the adapter must refuse with 400. */
  malformed(id: string): TestDelivery | Promise<TestDelivery>;
  /** Authenticated with a secret other than the configured one. */
  withWrongSecret(id: string): TestDelivery | Promise<TestDelivery>;
  /** Lower-case names of the headers carrying the signature or credentials. */
  credentialHeaders: string[];
  /**
   * What authentication covers. A string instead of `true` says why a part is not covered
   * (e.g. "Basic auth signs no body"), and the suite reports it instead of testing it.
   */
  covers: { body: true | string; url: true | string };
  /** Where the scheme has a timestamp: how old a delivery may be before it is refused. */
  timestampToleranceMs?: number;
  /** Where the scheme has a nonce: sending the identical delivery twice is a replay (401). */
  hasNonce: boolean;
  /** Throws (jest `expect`) unless the reply is the acknowledgement the vendor expects. */
  expectAck(response: ConformanceResponse): void;
  /** Present when the vendor module has a `sender`: what the send suites need. */
  send?: SendConformance;
}

/**
 * The send half of a vendor's kit: its send API's stand-in and the deliveries a conversation
 * test posts (an inbound text with chosen numbers, a delivery receipt for a sent message).
 */
export interface SendConformance {
  /** The stand-in of the vendor's send API; its `env` enables sending with its credentials. */
  standIn: SendStandIn;
  /** A correctly authenticated inbound SMS `id` from `from` to `to` saying `text`. */
  inbound(
    id: string,
    sms: { from: string; to: string; text: string },
  ): TestDelivery | Promise<TestDelivery>;
  /**
   * A correctly authenticated delivery receipt for the message the stand-in answered with
   * `vendorMessageId`, from `from` (our number) to `to`: `delivered` or `failed` in the
   * vendor's own words.
   */
  receipt(
    id: string,
    sent: { vendorMessageId: string; from: string; to: string },
    outcome: 'delivered' | 'failed',
  ): TestDelivery | Promise<TestDelivery>;
}
