import 'reflect-metadata';
import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
} from 'class-validator';

const HTTP_URL = { protocols: ['http', 'https'], require_tld: false, require_protocol: true };

/** RFC 9110 token: what a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** No control characters (a decoded %0D%0A must not start a header of its own). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * `OTEL_EXPORTER_OTLP_HEADERS`: `name=value,name2=value2`, values percent-encoded as the
 * OpenTelemetry specification says. Undefined when any entry is not of that shape, so a typo is
 * refused at start rather than half applied.
 */
export function parseOtlpHeaders(value: string): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const entry of value.split(',')) {
    if (entry.trim() === '') continue;
    const pairs = Object.entries(parseKeyPairsIntoRecord(entry));
    if (pairs.length !== 1) return undefined;
    const [[name, headerValue]] = pairs;
    if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(headerValue)) return undefined;
    headers[name.toLowerCase()] = headerValue;
  }
  return headers;
}

/** Validates the header list without ever echoing it: it usually holds an API key. */
function IsOtlpHeaderList(): PropertyDecorator {
  return ValidateBy({
    name: 'isOtlpHeaderList',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && parseOtlpHeaders(value) !== undefined,
      defaultMessage: () => 'must be name=value pairs separated by commas (values percent-encoded)',
    },
  });
}

/**
 * `tracing`: OpenTelemetry traces, exported as OTLP/HTTP JSON through the outbound allowlist.
 * Off unless a collector is named (`endpoint` or `tracesEndpoint`). The variables are the
 * OpenTelemetry SDK's own names, so a platform's usual settings apply unchanged.
 */
export class TracingSettings {
  /** The collector's base URL; traces go to `<endpoint>/v1/traces`. */
  @IsOptional() @IsUrl(HTTP_URL) endpoint?: string;
  /** The full URL traces are posted to; wins over `endpoint`. */
  @IsOptional() @IsUrl(HTTP_URL) tracesEndpoint?: string;
  /** `service.name` of every span. */
  @IsString() @MinLength(1) @MaxLength(255) serviceName = 'b2c-webhook-gateway';
  /**
   * Headers sent with every export (`name=value,…`), e.g. a vendor's API key: never logged.
   */
  @IsOptional() @IsOtlpHeaderList() headers?: string;
  /**
   * Share of new traces recorded (0 to 1); a webhook carrying a `traceparent` follows its
   * caller's decision instead.
   */
  // The environment's "0.25" is no integer, so the config loader leaves it a string.
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  samplerRatio = 1;
  /** Spans wait at most this long (ms) before they are sent, in batches. */
  @IsInt() @Min(1) @Max(60_000) scheduleDelayMs = 5_000;
}

/** Where spans are posted; undefined when tracing is off. */
export function otlpTracesUrl(settings: TracingSettings): string | undefined {
  if (settings.tracesEndpoint) return settings.tracesEndpoint;
  if (!settings.endpoint) return undefined;
  return `${settings.endpoint.replace(/\/+$/, '')}/v1/traces`;
}
