import type { OutboundTargetDeclaration } from '../allowlist/outbound/outbound-target-declaration.port';
import { otlpTracesUrl } from '../config/tracing.settings';

/** The collector's traces URL, named by the setting it came from; none when tracing is off. */
export const tracingOutboundTargets: OutboundTargetDeclaration = ({ tracing }) => {
  const url = otlpTracesUrl(tracing);
  if (url === undefined) return [];
  const key = tracing.tracesEndpoint
    ? 'tracing.tracesEndpoint (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)'
    : 'tracing.endpoint (OTEL_EXPORTER_OTLP_ENDPOINT)';
  return [{ key, url }];
};
