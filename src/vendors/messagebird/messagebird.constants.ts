import type { VendorAck } from '../webhook-vendor';

/** Path segment, configuration key and `InboundMessage.vendor` value. */
export const MESSAGEBIRD_VENDOR_NAME = 'messagebird';

export const MESSAGEBIRD_SIGNATURE_HEADER = 'messagebird-signature-jwt';
export const MESSAGEBIRD_ISSUER = 'MessageBird';

/** The HMAC algorithms MessageBird signs with; anything else (notably `none`) is refused. */
export const MESSAGEBIRD_ALGORITHMS = {
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
} as const;

/** Clock skew allowed on `nbf` and `exp`, as in MessageBird's own verifier. */
export const MESSAGEBIRD_CLOCK_TOLERANCE_MS = 5_000;

/** MessageBird's tokens live 60 s (exp = nbf + 60); what the conformance suite calls stale. */
export const MESSAGEBIRD_TOKEN_LIFETIME_MS = 60_000;

/**
 * A token valid for longer than this is refused: its `jti` must be remembered until it
 * expires, so an unbounded `exp` would be an unbounded replay memory.
 */
export const MESSAGEBIRD_MAX_TOKEN_LIFETIME_MS = 10 * 60 * 1000;

/** MessageBird treats any 2xx as delivered. */
export const MESSAGEBIRD_ACK: Readonly<VendorAck> = Object.freeze({
  status: 200,
  contentType: 'text/plain',
  body: 'OK',
});
