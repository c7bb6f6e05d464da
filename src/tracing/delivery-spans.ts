import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  type Attributes,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';
import { type B2cCall, B2cCallEvents } from '../b2c/b2c-call-events';
import type { DeliveryTracer } from '../delivery/delivery-tracer.port';
import { type ClaimedMessage, INBOX_STORE, type InboxStore } from '../inbox/inbox-store.port';
import { TracingRuntime } from './tracing-runtime';

/**
 * `DELIVERY_TRACER`: a new trace per delivery attempt, `deliver <vendor>`, linked to the trace of
 * the webhook that brought the message (its stored `traceparent`), with a child span per B2C
 * call the attempt makes (told by `B2cCallEvents` in the attempt's async context). After the
 * attempt the message's state says its outcome: one store read per recorded attempt.
 */
@Injectable()
export class DeliverySpans implements DeliveryTracer, OnApplicationShutdown {
  private readonly unsubscribe: () => void;

  constructor(
    private readonly runtime: TracingRuntime,
    @Inject(INBOX_STORE) private readonly store: InboxStore,
    calls: B2cCallEvents,
  ) {
    this.unsubscribe = calls.on((call) => this.b2cCall(call));
  }

  /** Last (a global module's), so the calls of deliveries ending during the stop are traced. */
  onApplicationShutdown(): void {
    this.unsubscribe();
  }

  async trace(claimed: ClaimedMessage, run: () => Promise<void>): Promise<void> {
    const { message } = claimed;
    const webhook = message.traceparent ? parseTraceParent(message.traceparent) : null;
    const links: Link[] = webhook ? [{ context: { ...webhook, isRemote: true } }] : [];
    const span = this.runtime.tracer.startSpan(
      `deliver ${message.vendor}`,
      {
        kind: SpanKind.CONSUMER,
        root: true,
        links,
        attributes: {
          'gateway.vendor': message.vendor,
          'gateway.message.kind': message.kind,
          'gateway.message.seq': claimed.seq,
          'gateway.delivery.attempt': claimed.attempts + 1,
        },
      },
      ROOT_CONTEXT,
    );
    try {
      await this.runtime.contexts.with(trace.setSpan(ROOT_CONTEXT, span), run);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'the attempt threw' });
      throw error;
    } finally {
      if (span.isRecording()) await this.recordOutcome(span, claimed);
      span.end();
    }
  }

  /** What the attempt left in the store; nothing when the store cannot say. */
  private async recordOutcome(span: Span, claimed: ClaimedMessage): Promise<void> {
    const stored = await this.store
      .get(claimed.message.vendor, claimed.message.messageId)
      .catch(() => undefined);
    if (!stored) return;
    let outcome: string = stored.state;
    if (stored.state === 'pending') {
      outcome = stored.attempts > claimed.attempts ? 'retry' : 'released';
    }
    span.setAttribute('gateway.delivery.outcome', outcome);
    if (stored.checkpoint.incidentId !== undefined) {
      span.setAttribute('b2c.incident.id', stored.checkpoint.incidentId);
    }
    if (outcome === 'retry' || outcome === 'dead') {
      span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
    }
  }

  /** A child of the delivery under way; calls outside a delivery (health, replies' polls) are not traced. */
  private b2cCall(call: B2cCall): void {
    const parent = this.runtime.contexts.active();
    if (!trace.getSpan(parent)?.isRecording()) return;
    const failed = call.status === undefined || call.status >= 400;
    const attributes: Attributes = {
      'http.request.method': call.method,
      'url.path': call.path,
    };
    if (call.status !== undefined) attributes['http.response.status_code'] = call.status;
    if (call.errorCode !== undefined) attributes['b2c.error_code'] = call.errorCode;
    if (failed) attributes['error.type'] = call.errorCode ?? String(call.status ?? 'no answer');
    const span = this.runtime.tracer.startSpan(
      `${call.method} ${routeOf(call.path)}`,
      { kind: SpanKind.CLIENT, startTime: call.startedAt, attributes },
      parent,
    );
    if (failed)
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(attributes['error.type']) });
    span.end(call.startedAt + call.durationMs);
  }
}

/** `/incidents/12/threads` → `/incidents/{id}/threads`: span names stay few. */
function routeOf(path: string): string {
  return path.replace(/\/\d+(?=\/|$)/g, '/{id}');
}
