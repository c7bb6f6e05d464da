/**
 * Domain errors. Code throws these; one exception filter maps each code to an HTTP status and an
 * RFC 9457 problem document. Messages must never contain secrets: they are sent to callers.
 */
export enum ProblemCode {
  MalformedPayload = 'malformed-payload',
  UnprocessablePayload = 'unprocessable-payload',
  SignatureRejected = 'signature-rejected',
  UnknownVendor = 'unknown-vendor',
  NotFound = 'not-found',
  PayloadTooLarge = 'payload-too-large',
  UnsupportedMediaType = 'unsupported-media-type',
  SourceNotAllowed = 'source-not-allowed',
  AdminUnauthorized = 'admin-unauthorized',
  CsrfRefused = 'csrf-refused',
  Throttled = 'throttled',
  StoreUnavailable = 'store-unavailable',
  OutboundRefused = 'outbound-refused',
  UpstreamTimeout = 'upstream-timeout',
  BadRequest = 'bad-request',
  Internal = 'internal-error',
}

export class GatewayError extends Error {
  /**
   * What the log line of this refusal should carry beyond the message (e.g. an allow-rule
   * decision). Logged under the reference id, never sent to the caller.
   */
  logDetails?: Record<string, unknown>;

  constructor(
    readonly code: ProblemCode,
    message: string,
    /** Extra members for the problem document, e.g. the offending field. Never secrets. */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the body cannot be parsed, or a required field is missing. */
export class MalformedPayloadError extends GatewayError {
  constructor(message: string, extensions?: Record<string, unknown>) {
    super(ProblemCode.MalformedPayload, message, extensions);
  }
}

/** 422: parsed fine, but a value cannot become a message (e.g. a sender that is no phone number). */
export class UnprocessablePayloadError extends GatewayError {
  constructor(message: string, extensions?: Record<string, unknown>) {
    super(ProblemCode.UnprocessablePayload, message, extensions);
  }
}

/** 401: the request is not authentic. The message says which check failed, never the secret. */
export class SignatureRejectedError extends GatewayError {
  constructor(message: string) {
    super(ProblemCode.SignatureRejected, message);
  }
}

/** 503: the durable store could not commit; the vendor must retry. */
export class StoreUnavailableError extends GatewayError {
  constructor(message: string) {
    super(ProblemCode.StoreUnavailable, message);
  }
}

/** 403: an inbound allow rule covers the path and names no source the request comes from. */
export class SourceNotAllowedError extends GatewayError {
  constructor(message: string, extensions?: Record<string, unknown>) {
    super(ProblemCode.SourceNotAllowed, message, extensions);
  }
}

/** 401: an admin route was called without valid admin credentials. */
export class AdminUnauthorizedError extends GatewayError {
  constructor(message: string) {
    super(ProblemCode.AdminUnauthorized, message);
  }
}

/**
 * An outbound call to a target the outbound allowlist does not allow (or over an insecure
 * scheme, port or certificate). Raised before any socket is opened; names target and reason.
 */
export class OutboundRefusedError extends GatewayError {
  constructor(
    readonly target: string,
    readonly reason: string,
  ) {
    super(ProblemCode.OutboundRefused, `outbound call to ${target} refused: ${reason}`, {
      target,
      reason,
    });
  }
}
