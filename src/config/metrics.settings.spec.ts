import { ConfigError } from '../common/problem/config-error';
import { loadGatewayConfig } from './load-config';

describe('metrics settings (METRICS_PORT, METRICS_HOST)', () => {
  it('leaves the listener off and on loopback by default', () => {
    const config = loadGatewayConfig({});
    expect(config.metrics.port).toBeUndefined();
    expect(config.metrics.host).toBe('127.0.0.1');
  });

  it('reads the port and host from the environment', () => {
    const config = loadGatewayConfig({ METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' });
    expect(config.metrics.port).toBe(9464);
    expect(config.metrics.host).toBe('10.0.0.5');
  });

  it.each(['abc', '70000', '-1', '94.5'])('refuses METRICS_PORT=%s naming the setting', (port) => {
    expect(() => loadGatewayConfig({ METRICS_PORT: port })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ METRICS_PORT: port })).toThrow(
      /metrics\.port \(METRICS_PORT\)/,
    );
  });
});
