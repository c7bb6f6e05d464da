/**
 * A local stand-in for one vendor's send API, for tests and demos: it checks a request the way
 * the vendor documents it (path, authentication, body shape) and answers as the vendor would.
 * One HTTPS server (send-stand-in.server.ts) serves every vendor's stand-in, chosen by the
 * request's Host, so a gateway reaches it under the vendor's real host name through
 * `allowlist.outbound.hostAddresses` and the test CA.
 */
export interface StandInRequest {
  method: string;
  /** Path without the query. */
  path: string;
  /** Raw query string without '?', '' when absent. */
  query: string;
  /** Lower-cased names. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
}

export interface StandInAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON unless a string. */
  body: unknown;
}

/** One SMS the stand-in accepted, as the vendor would have sent it. */
export interface SentSms {
  vendor: string;
  from: string;
  to: string;
  text: string;
  /** The id the stand-in answered with. */
  vendorMessageId: string;
}

/** What a stand-in decides for one request. */
export type StandInOutcome =
  /** Accepted: `sms` is recorded, `answer` sent. */
  | { kind: 'sent'; sms: SentSms; answer: StandInAnswer }
  /** Refused as the vendor would (bad credentials, bad body, invalid number). */
  | { kind: 'refused'; answer: StandInAnswer }
  /** The request is taken and never answered (the gateway's timeout: outcome unknown). */
  | { kind: 'hang' };

/**
 * Numbers every stand-in treats specially, so tests and demos can provoke each outcome:
 * texts to REFUSED_NUMBER are refused with the vendor's invalid-number error, texts to
 * HANGING_NUMBER are never answered.
 */
export const STAND_IN_REFUSED_NUMBER = '+15005550001';
export const STAND_IN_HANGING_NUMBER = '+15005550009';

export interface SendStandIn {
  vendor: string;
  /** Host names the vendor's send API uses (the server's certificate covers them). */
  hosts: string[];
  /** The settings (`VENDOR_<NAME>__*`) that make the vendor send with credentials this accepts. */
  env: Record<string, string>;
  handle(request: StandInRequest): StandInOutcome;
}
