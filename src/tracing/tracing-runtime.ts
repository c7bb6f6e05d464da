import { type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { INSTANCE_ID } from '../common/problem/reference-id';
import { GatewaySampler } from './trace-sampler';
import type { TracingSettings } from '../config/tracing.settings';

/** Spans waiting for export; more are dropped, so a collector outage costs bounded memory. */
const MAX_QUEUED_SPANS = 2048;
const MAX_BATCH_SPANS = 512;
/** One export's whole time; the exporter's own request timeout is shorter and says why. */
export const EXPORT_TIMEOUT_MS = 15_000;
export const EXPORT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * This gateway's tracer provider, context and propagator. Nothing is registered globally
 * (`trace.setGlobalTracerProvider`, the global context manager): several gateways may share a
 * process (tests), and no library here is instrumented through the global API. Every value the
 * SDK would read from `process.env` is given explicitly, from the validated settings.
 */
export class TracingRuntime {
  readonly tracer: Tracer;
  /** The delivery span under way, for the B2C calls the attempt makes. */
  readonly contexts = new AsyncLocalStorageContextManager().enable();
  readonly propagator = new W3CTraceContextPropagator();
  private readonly provider: BasicTracerProvider;

  constructor(settings: TracingSettings, exporter: SpanExporter) {
    this.provider = new BasicTracerProvider({
      resource: defaultResource().merge(
        resourceFromAttributes({
          'service.name': settings.serviceName,
          'service.instance.id': INSTANCE_ID,
        }),
      ),
      sampler: new GatewaySampler(settings.samplerRatio),
      spanLimits: {
        attributeCountLimit: 64,
        attributeValueLengthLimit: 1024,
        linkCountLimit: 8,
        eventCountLimit: 32,
        attributePerEventCountLimit: 16,
        attributePerLinkCountLimit: 16,
      },
      generalLimits: { attributeCountLimit: 64, attributeValueLengthLimit: 1024 },
      spanProcessors: [
        new BatchSpanProcessor(exporter, {
          maxQueueSize: MAX_QUEUED_SPANS,
          maxExportBatchSize: MAX_BATCH_SPANS,
          scheduledDelayMillis: settings.scheduleDelayMs,
          exportTimeoutMillis: EXPORT_TIMEOUT_MS,
        }),
      ],
    });
    this.tracer = this.provider.getTracer('b2c-webhook-gateway');
  }

  /** Sends what is queued. */
  forceFlush(): Promise<void> {
    return this.provider.forceFlush();
  }

  /** Sends what is queued, then stops: spans ended later are dropped. */
  async shutdown(): Promise<void> {
    await this.provider.shutdown();
    this.contexts.disable();
  }
}
