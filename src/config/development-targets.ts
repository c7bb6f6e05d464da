import type { GatewayConfig } from './gateway-config';

/**
 * For the development defaults: with the embedded emulator, turn plain http on and list the
 * emulator's origin as the emulator reports it (a wildcard bind is reached on loopback).
 * Port 0 (any) cannot be listed in advance; start-up then says so.
 */
export function allowEmbeddedEmulatorTarget(config: GatewayConfig): void {
  const { host, port } = config.emulator;
  if (port === 0) return;
  const outbound = config.allowlist.outbound;
  outbound.allowHttpForDevelopment = true;
  const hosts =
    host === '0.0.0.0'
      ? ['127.0.0.1']
      : host === '::'
        ? ['[::1]']
        : host === 'localhost'
          ? ['127.0.0.1', '[::1]', 'localhost']
          : [host.includes(':') && !host.startsWith('[') ? `[${host}]` : host];
  for (const listed of hosts) {
    const origin = `http://${listed}:${port}`;
    if (!outbound.targets.includes(origin)) outbound.targets.push(origin);
  }
}
