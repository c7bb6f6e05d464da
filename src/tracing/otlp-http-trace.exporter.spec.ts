import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { OutboundGuard } from '../allowlist/outbound/outbound-guard';
import { OutboundHttpClient } from '../allowlist/outbound/outbound-http.client';
import { compileOutboundPolicy } from '../allowlist/outbound/targets/outbound-policy';
import { OutboundSettings } from '../allowlist/outbound/targets/outbound.settings';
import { OtlpHttpTraceExporter } from './otlp-http-trace.exporter';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP server on loopback standing in for an OpenTelemetry collector. */
class Collector {
  readonly received: Received[] = [];
  status = 200;
  answer = '{}';
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.received.push({
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(this.status, { 'content-type': 'application/json' }).end(this.answer);
    });
  });
  origin = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Spans made by a real SDK tracer, as the batch processor would hand them over. */
function someSpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('spec');
  const parent = tracer.startSpan('deliver twilio', {
    kind: SpanKind.CONSUMER,
    attributes: { 'gateway.vendor': 'twilio', 'gateway.message.seq': 7 },
  });
  parent.setStatus({ code: SpanStatusCode.ERROR, message: 'retry' });
  parent.end();
  tracer
    .startSpan('POST /incidents', { attributes: { 'b2c.error_code': 'OSC-CREST-00003' } })
    .end();
  return memory.getFinishedSpans();
}

function exportNow(exporter: OtlpHttpTraceExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

interface OtlpJson {
  resourceSpans: {
    scopeSpans: {
      spans: {
        name: string;
        kind: number;
        traceId: string;
        attributes: { key: string; value: Record<string, unknown> }[];
        status: { code?: number };
      }[];
    }[];
  }[];
}

describe('OtlpHttpTraceExporter (OTLP/HTTP JSON through the outbound guard)', () => {
  const collector = new Collector();
  let http: OutboundHttpClient;
  let warn: jest.SpyInstance;
  let log: jest.SpyInstance;

  beforeAll(async () => {
    await collector.start();
    const settings = Object.assign(new OutboundSettings(), {
      targets: [collector.origin],
      allowHttpForDevelopment: true,
    });
    http = new OutboundHttpClient(new OutboundGuard(compileOutboundPolicy(settings, 'test')));
  });
  afterAll(async () => {
    http.onModuleDestroy();
    await collector.close();
  });
  beforeEach(() => {
    collector.received.length = 0;
    collector.status = 200;
    collector.answer = '{}';
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  const exporterTo = (url: string, headers: Record<string, string> = {}) =>
    new OtlpHttpTraceExporter(http, { url, headers, timeoutMs: 2000 });

  it('posts the spans as OTLP JSON with the configured headers', async () => {
    const spans = someSpans();
    const exporter = exporterTo(`${collector.origin}/v1/traces`, { 'x-api-key': 'k-123' });
    expect((await exportNow(exporter, spans)).code).toBe(ExportResultCode.SUCCESS);

    expect(collector.received).toHaveLength(1);
    const [request] = collector.received;
    expect(request.path).toBe('/v1/traces');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-api-key']).toBe('k-123');
    const body = JSON.parse(request.body) as OtlpJson;
    const received = body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    expect(received.map((s) => s.name).sort()).toEqual(['POST /incidents', 'deliver twilio']);
    const deliver = received.find((s) => s.name === 'deliver twilio')!;
    expect(deliver.kind).toBe(5);
    expect(deliver.traceId).toBe(
      spans.find((s) => s.name === 'deliver twilio')!.spanContext().traceId,
    );
    expect(deliver.status.code).toBe(2);
    expect(deliver.attributes).toEqual(
      expect.arrayContaining([
        { key: 'gateway.vendor', value: { stringValue: 'twilio' } },
        { key: 'gateway.message.seq', value: { intValue: 7 } },
      ]),
    );
    expect(warn).not.toHaveBeenCalled();
  });

  it('logs an outage once, fails its batches, and says when exports work again', async () => {
    const exporter = exporterTo(`${collector.origin}/v1/traces`);
    collector.status = 503;
    for (let i = 0; i < 3; i += 1) {
      expect((await exportNow(exporter, someSpans())).code).toBe(ExportResultCode.FAILED);
    }
    expect(collector.received).toHaveLength(3);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toContain('the collector answered 503');

    collector.status = 200;
    expect((await exportNow(exporter, someSpans())).code).toBe(ExportResultCode.SUCCESS);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toContain('works again; 6 span(s) were dropped');
    // A new outage is told again.
    collector.status = 500;
    await exportNow(exporter, someSpans());
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('never reaches a collector off the outbound allowlist', async () => {
    const exporter = exporterTo('http://127.0.0.2:4318/v1/traces', { 'x-api-key': 'k-secret' });
    const result = await exportNow(exporter, someSpans());
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(collector.received).toHaveLength(0);
    // The guard logs its refusal too; the exporter says it once, and nobody shows the key.
    const said = warn.mock.calls.map((call) => String(call[0]));
    expect(said.filter((line) => line.startsWith('trace export'))).toHaveLength(1);
    expect(said.join('\n')).not.toContain('k-secret');
  });

  it('logs a partial rejection once until a batch is taken whole', async () => {
    const exporter = exporterTo(`${collector.origin}/v1/traces`);
    collector.answer = JSON.stringify({
      partialSuccess: { rejectedSpans: '1', errorMessage: 'span too old' },
    });
    expect((await exportNow(exporter, someSpans())).code).toBe(ExportResultCode.SUCCESS);
    await exportNow(exporter, someSpans());
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toContain('rejected 1 span(s): span too old');
  });

  it('waits on shutdown for the export under way, then refuses new ones', async () => {
    const exporter = exporterTo(`${collector.origin}/v1/traces`);
    let result: ExportResult | undefined;
    exporter.export(someSpans(), (r) => (result = r));
    await exporter.shutdown();
    expect(result?.code).toBe(ExportResultCode.SUCCESS);
    expect(collector.received).toHaveLength(1);
    expect((await exportNow(exporter, someSpans())).code).toBe(ExportResultCode.FAILED);
    expect(collector.received).toHaveLength(1);
  });
});
