import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AcceptResult } from '../inbox/inbox-store.port';
import type { InboundMessage } from '../messages/inbound-message';
import '../intake/webhook-context';
import { TracingRuntime } from './tracing-runtime';
import type { WebhookTracing } from './webhook-tracing.port';

/** The webhook route as Fastify knows it (webhook.controller.ts). */
export const WEBHOOK_ROUTE = '/vendors/:name/webhook';

interface WebhookSpan {
  span: Span;
  commitStartedAt?: number;
  outcomes?: AcceptResult['outcomes'];
}

/**
 * One span per webhook, `webhook <vendor>`, from the request's arrival (before the allow rules,
 * rate limits and signature) until the answer is sent, with how long the inbox commit took. An
 * incoming `traceparent` is its parent. Attributes name the vendor, the message count, the
 * outcome and the status: never a phone number, a text or a header value.
 */
@Injectable()
export class WebhookSpans implements WebhookTracing, OnModuleInit {
  private readonly spans = new WeakMap<FastifyRequest, WebhookSpan>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly runtime: TracingRuntime,
  ) {}

  /** Routes are registered already; Fastify binds hooks to them when it becomes ready. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRequest', (request, _reply, done) => {
      if (request.routeOptions.url === WEBHOOK_ROUTE) this.start(request);
      done();
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      this.end(request, reply.statusCode);
      done();
    });
    fastify.addHook('onRequestAbort', (request, done) => {
      this.end(request, undefined);
      done();
    });
  }

  beforeCommit(request: FastifyRequest, messages: readonly InboundMessage[]): InboundMessage[] {
    const webhook = this.spans.get(request);
    if (!webhook) return [...messages];
    webhook.commitStartedAt = Date.now();
    const carrier: Record<string, string> = {};
    this.runtime.propagator.inject(
      trace.setSpan(ROOT_CONTEXT, webhook.span),
      carrier,
      defaultTextMapSetter,
    );
    const traceparent = carrier.traceparent;
    return traceparent ? messages.map((message) => ({ ...message, traceparent })) : [...messages];
  }

  committed(request: FastifyRequest, outcomes: AcceptResult['outcomes']): void {
    const webhook = this.spans.get(request);
    if (!webhook) return;
    webhook.outcomes = outcomes;
    // An attribute, not a child span: half the spans per webhook, on the path vendors wait on.
    if (webhook.commitStartedAt !== undefined) {
      webhook.span.setAttribute('gateway.inbox.commit_ms', Date.now() - webhook.commitStartedAt);
    }
  }

  private start(request: FastifyRequest): void {
    const parent = this.runtime.propagator.extract(
      ROOT_CONTEXT,
      request.headers,
      defaultTextMapGetter,
    );
    const span = this.runtime.tracer.startSpan(
      'webhook',
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'http.route': WEBHOOK_ROUTE,
          // The id refusals' reference ids and log lines carry.
          'gateway.request_id': request.id,
        },
      },
      parent,
    );
    this.spans.set(request, { span });
  }

  private end(request: FastifyRequest, status: number | undefined): void {
    const webhook = this.spans.get(request);
    if (!webhook) return;
    this.spans.delete(request);
    const { span, outcomes } = webhook;
    // Only a vendor the registry knows names the span: the path's name may be anything.
    const vendor = request.webhook?.request.vendor;
    if (vendor !== undefined) {
      span.updateName(`webhook ${vendor}`);
      span.setAttribute('gateway.vendor', vendor);
    }
    const outcome = outcomeOf(status, outcomes);
    span.setAttribute('gateway.webhook.outcome', outcome);
    if (outcomes) {
      const stored = outcomes.filter((o) => o === 'stored').length;
      span.setAttributes({
        'gateway.messages': outcomes.length,
        'gateway.messages.stored': stored,
        'gateway.messages.duplicate': outcomes.length - stored,
      });
    }
    if (status !== undefined) span.setAttribute('http.response.status_code', status);
    // A refusal (4xx) is the gateway working as meant; only its own failures are errors.
    if (status === undefined || status >= 500) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
    }
    span.end();
  }
}

function outcomeOf(status: number | undefined, outcomes: AcceptResult['outcomes'] | undefined) {
  if (status === undefined) return 'aborted';
  if (status >= 500) return 'failed';
  if (status >= 400 || !outcomes) return 'refused';
  if (outcomes.includes('stored')) return 'stored';
  return outcomes.length > 0 ? 'duplicate' : 'empty';
}
