import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { OUTBOUND_HTTP, type OutboundHttp } from '../allowlist/outbound/outbound-http.port';
import { provideOutboundTargets } from '../allowlist/outbound/outbound-target-declaration.port';
import { B2cModule } from '../b2c/b2c.module';
import { GatewayConfig } from '../config/gateway-config';
import { DELIVERY_TRACER } from '../delivery/delivery-tracer.port';
import { InboxModule } from '../inbox/inbox.module';
import { DeliverySpans } from './delivery-spans';
import { OtlpHttpTraceExporter } from './otlp-http-trace.exporter';
import { EXPORT_REQUEST_TIMEOUT_MS, TracingRuntime } from './tracing-runtime';
import { tracingOutboundTargets } from './tracing.outbound-targets';
import { otlpTracesUrl, parseOtlpHeaders } from '../config/tracing.settings';
import { WebhookSpans } from './webhook-spans';
import { WEBHOOK_TRACING } from './webhook-tracing.port';

/** Marks the module that holds nothing: tracing is off. */
@Module({})
class TracingOffModule {}

/**
 * OpenTelemetry traces, on when a collector is named (`tracing.endpoint`). Off, it provides
 * nothing: no hook on the webhook route, no `DELIVERY_TRACER`, no provider, so the intake path is
 * what it was. On, it is global so that the webhook controller and the delivery worker see
 * `WEBHOOK_TRACING` and `DELIVERY_TRACER` without importing it (InboxModule is imported here, for
 * the store: importing this module back would be a cycle). Shutting down, it runs last (global
 * modules do): the worker has stopped, so the last deliveries' spans are sent too.
 */
@Module({})
export class TracingModule implements OnApplicationShutdown {
  constructor(@Inject(TracingRuntime) private readonly runtime: TracingRuntime) {}

  static forRoot(config: GatewayConfig): DynamicModule {
    const url = otlpTracesUrl(config.tracing);
    if (url === undefined) return { module: TracingOffModule };
    return {
      module: TracingModule,
      global: true,
      imports: [InboxModule, B2cModule],
      providers: [
        // The collector, checked against the outbound allowlist at start-up.
        provideOutboundTargets('tracing', tracingOutboundTargets),
        {
          provide: TracingRuntime,
          inject: [OUTBOUND_HTTP, GatewayConfig],
          useFactory: (http: OutboundHttp, gateway: GatewayConfig): TracingRuntime => {
            const { headers } = gateway.tracing;
            const exporter = new OtlpHttpTraceExporter(http, {
              url,
              headers: headers === undefined ? {} : parseOtlpHeaders(headers),
              timeoutMs: EXPORT_REQUEST_TIMEOUT_MS,
            });
            return new TracingRuntime(gateway.tracing, exporter);
          },
        },
        WebhookSpans,
        { provide: WEBHOOK_TRACING, useExisting: WebhookSpans },
        DeliverySpans,
        { provide: DELIVERY_TRACER, useExisting: DeliverySpans },
      ],
      exports: [TracingRuntime, WEBHOOK_TRACING, DELIVERY_TRACER],
    };
  }

  /** Sends the spans still queued (bounded by the export timeout), then stops. */
  async onApplicationShutdown(): Promise<void> {
    await this.runtime.shutdown();
  }
}
