import { compileOutboundPolicy } from '../allowlist/outbound/targets/outbound-policy';
import { assertConfiguredTargetsAllowed } from '../allowlist/outbound/configured-targets';
import { ConfigError } from '../common/problem/config-error';
import { loadGatewayConfig } from './load-config';
import { tracingOutboundTargets } from '../tracing/tracing.outbound-targets';
import { otlpTracesUrl, parseOtlpHeaders } from './tracing.settings';

describe('tracing settings (OTEL_*)', () => {
  it('is off by default, with the standard defaults', () => {
    const { tracing } = loadGatewayConfig({});
    expect(otlpTracesUrl(tracing)).toBeUndefined();
    expect(tracing.serviceName).toBe('b2c-webhook-gateway');
    expect(tracing.samplerRatio).toBe(1);
    expect(tracing.scheduleDelayMs).toBe(5000);
  });

  it('reads the OpenTelemetry variables', () => {
    const { tracing } = loadGatewayConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com:4318/',
      OTEL_SERVICE_NAME: 'gateway-eu',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%3D%3D, tenant=eu',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    expect(otlpTracesUrl(tracing)).toBe('https://otel.example.com:4318/v1/traces');
    expect(tracing.serviceName).toBe('gateway-eu');
    expect(parseOtlpHeaders(tracing.headers!)).toEqual({ 'x-api-key': 'abc==', tenant: 'eu' });
    expect(tracing.samplerRatio).toBe(0.25);
    expect(tracing.scheduleDelayMs).toBe(200);
  });

  it('takes the traces endpoint as the full URL, over the base endpoint', () => {
    const { tracing } = loadGatewayConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/custom/path',
    });
    expect(otlpTracesUrl(tracing)).toBe('https://traces.example.com/custom/path');
  });

  it.each([
    ['OTEL_TRACES_SAMPLER_ARG', '1.5', /tracing\.samplerRatio \(OTEL_TRACES_SAMPLER_ARG\)/],
    ['OTEL_TRACES_SAMPLER_ARG', 'half', /tracing\.samplerRatio \(OTEL_TRACES_SAMPLER_ARG\)/],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318', /tracing\.endpoint/],
    ['OTEL_BSP_SCHEDULE_DELAY', '0', /tracing\.scheduleDelayMs \(OTEL_BSP_SCHEDULE_DELAY\)/],
  ])('refuses %s=%s naming the setting', (variable, value, message) => {
    expect(() => loadGatewayConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ [variable]: value })).toThrow(message);
  });

  it.each(['x-api-key', 'bad header=1', 'x-key=a%0D%0AHost:evil', 'x-key=%zz'])(
    'refuses the header list %j without repeating it',
    (headers) => {
      expect(parseOtlpHeaders(headers)).toBeUndefined();
      let error: unknown;
      try {
        loadGatewayConfig({ OTEL_EXPORTER_OTLP_HEADERS: headers });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const text = String((error as Error).message);
      expect(text).toContain('tracing.headers (OTEL_EXPORTER_OTLP_HEADERS): must be name=value');
      expect(text).not.toContain(headers);
    },
  );

  it('stops start-up when the collector is not on the outbound allowlist', () => {
    const config = loadGatewayConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com',
      ALLOWLIST_OUTBOUND_TARGETS: 'site.example.com',
    });
    const policy = compileOutboundPolicy(config.allowlist.outbound, config.nodeEnv);
    expect(() => assertConfiguredTargetsAllowed(policy, tracingOutboundTargets(config))).toThrow(
      'tracing.endpoint (OTEL_EXPORTER_OTLP_ENDPOINT): https://otel.example.com/v1/traces is not an allowed outbound target',
    );
    const listed = loadGatewayConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com',
      ALLOWLIST_OUTBOUND_TARGETS: 'otel.example.com',
    });
    expect(() =>
      assertConfiguredTargetsAllowed(
        compileOutboundPolicy(listed.allowlist.outbound, listed.nodeEnv),
        tracingOutboundTargets(listed),
      ),
    ).not.toThrow();
  });
});
