import { HttpException } from '@nestjs/common';
import { GatewayError, ProblemCode } from './gateway-error';

/** An RFC 9457 problem document, before the per-request members are added. */
export interface Problem {
  code: ProblemCode;
  status: number;
  title: string;
  detail: string;
  extensions: Record<string, unknown>;
}

/** Stable `type` URI of each problem; README lists them. */
export const problemType = (code: ProblemCode): string => `urn:b2c-webhook-gateway:problem:${code}`;

export function statusAndTitle(code: ProblemCode): [number, string] {
  switch (code) {
    case ProblemCode.MalformedPayload:
      return [400, 'Malformed payload'];
    case ProblemCode.BadRequest:
      return [400, 'Bad request'];
    case ProblemCode.SignatureRejected:
      return [401, 'Signature rejected'];
    case ProblemCode.UnknownVendor:
      return [404, 'Unknown vendor'];
    case ProblemCode.NotFound:
      return [404, 'Not found'];
    case ProblemCode.PayloadTooLarge:
      return [413, 'Payload too large'];
    case ProblemCode.UnsupportedMediaType:
      return [415, 'Unsupported media type'];
    case ProblemCode.UnprocessablePayload:
      return [422, 'Unprocessable payload'];
    case ProblemCode.SourceNotAllowed:
      return [403, 'Source not allowed'];
    case ProblemCode.AdminUnauthorized:
      return [401, 'Admin authentication required'];
    case ProblemCode.CsrfRefused:
      return [403, 'Cross-site request refused'];
    case ProblemCode.Throttled:
      return [429, 'Too many requests'];
    // The gateway's own allowlist refused a call the request needs (an SNS SubscribeURL): a
    // configuration refusal no retry changes, so a 4xx, which SNS does not retry (a 5xx it would).
    case ProblemCode.OutboundRefused:
      return [403, 'Outbound target refused'];
    case ProblemCode.UpstreamTimeout:
      return [504, 'Upstream timeout'];
    case ProblemCode.Internal:
      return [500, 'Internal error'];
    case ProblemCode.StoreUnavailable:
      return [503, 'Store unavailable'];
  }
}

/** Fastify's own errors (raised before a handler runs) that carry a client-side cause. */
const FASTIFY_CODES: Record<string, ProblemCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ProblemCode.PayloadTooLarge,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ProblemCode.UnsupportedMediaType,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ProblemCode.BadRequest,
  FST_ERR_CTP_EMPTY_JSON_BODY: ProblemCode.MalformedPayload,
  FST_ERR_CTP_INVALID_JSON_BODY: ProblemCode.MalformedPayload,
};

function fromCode(
  code: ProblemCode,
  detail: string,
  extensions: Record<string, unknown> = {},
): Problem {
  const [status, title] = statusAndTitle(code);
  return { code, status, title, detail, extensions };
}

/**
 * Maps anything thrown while handling a request to a problem. Unknown errors become a 500 whose
 * detail says nothing about the cause (it is logged instead).
 */
export function toProblem(exception: unknown): Problem {
  if (exception instanceof GatewayError) {
    return fromCode(exception.code, exception.message, exception.extensions);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404) return fromCode(ProblemCode.NotFound, 'No such resource');
    if (status === 413) return fromCode(ProblemCode.PayloadTooLarge, exception.message);
    if (status === 415) return fromCode(ProblemCode.UnsupportedMediaType, exception.message);
    if (status === 429) return fromCode(ProblemCode.Throttled, exception.message);
    if (status >= 400 && status < 500) {
      return {
        ...fromCode(ProblemCode.BadRequest, exception.message),
        status,
        title: exception.name,
      };
    }
  }
  const fastify = exception as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof fastify.code === 'string' && fastify.code in FASTIFY_CODES) {
    return fromCode(FASTIFY_CODES[fastify.code], String(fastify.message));
  }
  if (
    typeof fastify.statusCode === 'number' &&
    fastify.statusCode >= 400 &&
    fastify.statusCode < 500
  ) {
    return {
      ...fromCode(ProblemCode.BadRequest, String(fastify.message)),
      status: fastify.statusCode,
    };
  }
  return fromCode(ProblemCode.Internal, 'The gateway could not handle this request');
}
