import {
  type Attributes,
  type Context,
  type Link,
  type SpanKind,
  trace,
  TraceFlags,
} from '@opentelemetry/api';
import {
  ParentBasedSampler,
  type Sampler,
  type SamplingResult,
  SamplingDecision,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';

/**
 * `parentbased_traceidratio`, plus: a root span linked to a trace (a delivery, linked to its
 * webhook's) follows that trace's decision, so a recorded webhook has its deliveries recorded
 * too and an unrecorded one costs nothing later.
 */
export class GatewaySampler implements Sampler {
  private readonly parentBased: Sampler;

  constructor(private readonly ratio: number) {
    this.parentBased = new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    if (trace.getSpanContext(context) === undefined && links.length > 0) {
      const sampled = links.some((link) => (link.context.traceFlags & TraceFlags.SAMPLED) !== 0);
      return {
        decision: sampled ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD,
      };
    }
    return this.parentBased.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `GatewaySampler{links, parentbased_traceidratio ${this.ratio}}`;
  }
}
