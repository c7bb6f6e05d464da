import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as an OTLP/HTTP JSON export carries it, with its attributes flattened. */
export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP's enum: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startMs: number;
  endMs: number;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  /** Resource attributes of the batch it came in. */
  resource: Record<string, unknown>;
}

export interface CollectorRequest {
  /** What the collector answered. */
  status: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: OtlpAttribute[];
  links?: { traceId: string; spanId: string }[];
  status?: { code?: number };
}
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

/**
 * A stand-in OpenTelemetry collector: a real HTTP server on loopback that takes OTLP/HTTP JSON
 * posts to `/v1/traces` (answering `status`, 200 by default) and keeps what it was sent.
 */
export class OtlpCollector {
  readonly requests: CollectorRequest[] = [];
  /** What the collector answers next; tests switch it to simulate an outage. */
  status = 200;

  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.requests.push({
        status: this.status,
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(this.status, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  /** `http://127.0.0.1:<port>`, once started. */
  url = '';

  static async start(): Promise<OtlpCollector> {
    const collector = new OtlpCollector();
    await new Promise<void>((resolve) => collector.server.listen(0, '127.0.0.1', resolve));
    const { port } = collector.server.address() as AddressInfo;
    collector.url = `http://127.0.0.1:${port}`;
    return collector;
  }

  /** Every span received so far, in arrival order (only from answered, 2xx exports). */
  spans(): CollectedSpan[] {
    const taken = this.requests.filter((request) => request.status >= 200 && request.status < 300);
    return taken.flatMap((request) => {
      const exported = JSON.parse(request.body) as OtlpExport;
      return (exported.resourceSpans ?? []).flatMap((resourceSpans) => {
        const resource = flatten(resourceSpans.resource?.attributes);
        return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
          (scope.spans ?? []).map((span) => toCollected(span, resource)),
        );
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function toCollected(span: OtlpSpan, resource: Record<string, unknown>): CollectedSpan {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId || undefined,
    name: span.name,
    kind: span.kind,
    startMs: Number(BigInt(span.startTimeUnixNano) / 1_000_000n),
    endMs: Number(BigInt(span.endTimeUnixNano) / 1_000_000n),
    attributes: flatten(span.attributes),
    links: (span.links ?? []).map(({ traceId, spanId }) => ({ traceId, spanId })),
    statusCode: span.status?.code ?? 0,
    resource,
  };
}

function flatten(attributes: OtlpAttribute[] = []): Record<string, unknown> {
  return Object.fromEntries(
    attributes.map(({ key, value }) => [
      key,
      value.stringValue ??
        (value.intValue !== undefined ? Number(value.intValue) : undefined) ??
        value.doubleValue ??
        value.boolValue,
    ]),
  );
}
