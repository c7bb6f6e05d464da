import { ConfigError } from '../common/problem/config-error';
import { loadGatewayConfig } from './load-config';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadGatewayConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

/** HEADERS_TIMEOUT_MS: its own setting, never above the whole-request timeout (Node refuses it). */
describe('server.headersTimeoutMs', () => {
  it('defaults to 10 s and reads HEADERS_TIMEOUT_MS', () => {
    expect(loadGatewayConfig({}).server.headersTimeoutMs).toBe(10_000);
    expect(loadGatewayConfig({ HEADERS_TIMEOUT_MS: '2500' }).server.headersTimeoutMs).toBe(2500);
  });

  it('must not exceed REQUEST_TIMEOUT_MS, naming both', () => {
    expect(problemsOf({ REQUEST_TIMEOUT_MS: '3000' })).toEqual([
      'server.headersTimeoutMs (HEADERS_TIMEOUT_MS): must be at most server.requestTimeoutMs (REQUEST_TIMEOUT_MS), which is 3000',
    ]);
    expect(problemsOf({ REQUEST_TIMEOUT_MS: '3000', HEADERS_TIMEOUT_MS: '3000' })).toEqual([]);
  });

  it('is at least a second', () => {
    expect(problemsOf({ HEADERS_TIMEOUT_MS: '10' })).toEqual([
      'server.headersTimeoutMs (HEADERS_TIMEOUT_MS): must not be less than 1000',
    ]);
  });
});
