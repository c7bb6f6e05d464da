import { Logger } from '@nestjs/common';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { OutboundHttp } from '../allowlist/outbound/outbound-http.port';

export interface OtlpHttpTraceExporterOptions {
  /** e.g. `https://collector.example.com:4318/v1/traces`. */
  url: string;
  /** Sent with every export (an API key, say): never logged. */
  headers?: Readonly<Record<string, string>>;
  timeoutMs: number;
}

/** A collector answers a few bytes (partial success at most); more is not a collector. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Spans as OTLP/HTTP JSON, posted through the outbound allowlist (`OUTBOUND_HTTP`), so a
 * collector is reached only if it is listed, like any other target. A failed batch is dropped,
 * not retried: traces are worth less than the deliveries they describe, and the batch processor's
 * bounded queue keeps a collector outage from costing memory. An outage is logged once, when it
 * starts, and once more when exports work again.
 */
export class OtlpHttpTraceExporter implements SpanExporter {
  private readonly logger = new Logger('Tracing');
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  /** Spans dropped since the outage began; undefined while exports work. */
  private droppedInOutage: number | undefined;
  /** The collector rejected part of a batch: said once until a batch is taken whole. */
  private partialRejection = false;

  constructor(
    private readonly http: OutboundHttp,
    private readonly options: OtlpHttpTraceExporterOptions,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter stopped') });
      return;
    }
    const sending = this.send(spans).then(resultCallback);
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
  }

  /** Waits for the exports under way; the batch processor hands over what it holds first. */
  async forceFlush(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.forceFlush();
  }

  private async send(spans: ReadableSpan[]): Promise<ExportResult> {
    const body = JsonTraceSerializer.serializeRequest(spans);
    if (!body) return this.failed('the spans could not be serialized', spans.length);
    try {
      const response = await this.http.request({
        method: 'POST',
        url: this.options.url,
        headers: { ...this.options.headers, 'content-type': 'application/json' },
        body: Buffer.from(body.buffer, body.byteOffset, body.byteLength),
        timeoutMs: this.options.timeoutMs,
        maxResponseBytes: MAX_RESPONSE_BYTES,
        purpose: 'otlp-traces',
      });
      if (response.status < 200 || response.status >= 300) {
        return this.failed(`the collector answered ${response.status}`, spans.length);
      }
      this.succeeded(response.body);
      return { code: ExportResultCode.SUCCESS };
    } catch (error) {
      return this.failed(error instanceof Error ? error.message : String(error), spans.length);
    }
  }

  private failed(reason: string, spans: number): ExportResult {
    if (this.droppedInOutage === undefined) {
      this.droppedInOutage = 0;
      this.logger.warn(
        `trace export to ${this.target()} failed (${reason}); spans are dropped until it works again`,
      );
    }
    this.droppedInOutage += spans;
    return { code: ExportResultCode.FAILED, error: new Error(reason) };
  }

  private succeeded(responseBody: Buffer): void {
    if (this.droppedInOutage !== undefined) {
      this.logger.log(
        `trace export to ${this.target()} works again; ${this.droppedInOutage} span(s) were dropped`,
      );
      this.droppedInOutage = undefined;
    }
    const rejected = rejectedSpans(responseBody);
    if (rejected === undefined) {
      this.partialRejection = false;
    } else if (!this.partialRejection) {
      this.partialRejection = true;
      this.logger.warn(`the collector rejected ${rejected.count} span(s): ${rejected.message}`);
    }
  }

  /** The URL without userinfo or query, which may carry credentials. */
  private target(): string {
    const url = new URL(this.options.url);
    return `${url.origin}${url.pathname}`;
  }
}

/** OTLP partial success: spans the collector took the batch without; undefined when none. */
function rejectedSpans(body: Buffer): { count: number; message: string } | undefined {
  if (body.length === 0) return undefined;
  try {
    const answer = JsonTraceSerializer.deserializeResponse(body);
    const count = Number(answer.partialSuccess?.rejectedSpans ?? 0);
    if (!(count > 0)) return undefined;
    return { count, message: answer.partialSuccess?.errorMessage || 'no reason given' };
  } catch {
    // Some collectors answer an empty object or plain text; the batch was taken.
    return undefined;
  }
}
