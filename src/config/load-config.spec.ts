import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../common/problem/config-error';
import { loadGatewayConfig } from './load-config';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadGatewayConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadGatewayConfig', () => {
  it('gives working defaults for an empty environment', () => {
    const config = loadGatewayConfig({});
    expect(config.server.port).toBe(3000);
    expect(config.server.bodyLimitBytes).toBe(256 * 1024);
    expect(config.b2c.apiVersion).toBe('v1.4');
    expect(config.b2c.url).toBeUndefined();
    expect(config.worker.enabled).toBe(true);
  });

  it('converts environment strings to the declared types', () => {
    const config = loadGatewayConfig({
      PORT: '8080',
      WORKER_ENABLED: 'false',
      WORKER_MAX_ATTEMPTS: '3',
    });
    expect(config.server.port).toBe(8080);
    expect(config.worker.enabled).toBe(false);
    expect(config.worker.maxAttempts).toBe(3);
  });

  it('names the key and the variable of an invalid value', () => {
    const problems = problemsOf({ PORT: 'eighty', B2C_API_VERSION: 'v2' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^server\.port \(PORT\): .*integer/),
        expect.stringMatching(/^b2c\.apiVersion \(B2C_API_VERSION\): must be v1\.N or latest/),
      ]),
    );
  });

  it('refuses WORKER_ENABLED values that are not true or false', () => {
    expect(problemsOf({ WORKER_ENABLED: 'yes' })).toEqual([
      expect.stringMatching(/^worker\.enabled \(WORKER_ENABLED\): must be a boolean/),
    ]);
  });

  it('requires the site, credentials and public URL in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual([
      'b2c.url (B2C_URL): is required when NODE_ENV=production',
      'b2c.username (B2C_USERNAME): is required when NODE_ENV=production',
      'b2c.password (B2C_PASSWORD): is required when NODE_ENV=production',
      'server.publicBaseUrl (PUBLIC_BASE_URL): is required when NODE_ENV=production',
      'admin.mode (ADMIN_MODE): is required when NODE_ENV=production',
    ]);
  });

  it('asks for B2C Basic credentials only in Basic mode', () => {
    expect(() =>
      loadGatewayConfig({
        NODE_ENV: 'production',
        B2C_URL: 'https://site.example.com',
        B2C_AUTH: 'session',
        B2C_SESSION_ID: 'env:B2C_SESSION',
        PUBLIC_BASE_URL: 'https://gateway.example.com',
        ADMIN_MODE: 'disabled',
      }),
    ).not.toThrow();
  });

  it('splits list settings given in the environment on commas and spaces', () => {
    const config = loadGatewayConfig({
      TRUSTED_PROXIES: '10.0.0.0/8, 192.168.0.1 ::1',
      ALLOWLIST_OUTBOUND_TARGETS: 'a.example.com,b.example.com',
    });
    expect(config.server.trustedProxies).toEqual(['10.0.0.0/8', '192.168.0.1', '::1']);
    expect(config.allowlist.outbound.targets).toEqual(['a.example.com', 'b.example.com']);
  });

  it('requires credentials whenever a site is configured', () => {
    expect(problemsOf({ B2C_URL: 'https://site.example.com' })).toEqual([
      'b2c.username (B2C_USERNAME): is required when b2c.url is set',
      'b2c.password (B2C_PASSWORD): is required when b2c.url is set',
    ]);
  });

  it('reads structured settings from YAML, with the environment taking precedence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-'));
    const file = join(dir, 'gateway.yaml');
    writeFileSync(
      file,
      'server:\n  port: 4000\n  host: 127.0.0.1\nvendors:\n  twilio:\n    authToken: env:TWILIO_TOKEN\n',
    );
    const config = loadGatewayConfig({ GATEWAY_CONFIG: file, PORT: '5000' });
    expect(config.server.port).toBe(5000);
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.vendors).toEqual({ twilio: { authToken: 'env:TWILIO_TOKEN' } });
  });

  it('maps VENDOR_<NAME>__<KEY> variables onto vendors.<name>.<key>', () => {
    const config = loadGatewayConfig({
      VENDOR_TWILIO__AUTH_TOKEN: 'file:/run/secrets/twilio',
      VENDOR_TWILIO_VOICE__ENABLED: 'false',
    });
    expect(config.vendors).toEqual({
      twilio: { authToken: 'file:/run/secrets/twilio' },
      'twilio-voice': { enabled: 'false' },
    });
  });

  it('rejects unknown keys in the file, naming them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-'));
    const file = join(dir, 'gateway.yaml');
    writeFileSync(file, 'server:\n  prot: 4000\n');
    expect(problemsOf({ GATEWAY_CONFIG: file })).toEqual(['server.prot: is not a known setting']);
  });

  it('says which file is unreadable or not YAML', () => {
    expect(problemsOf({ GATEWAY_CONFIG: '/nonexistent/gateway.yaml' })[0]).toMatch(
      /^GATEWAY_CONFIG: cannot read \/nonexistent\/gateway\.yaml/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'config-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'server: [unclosed\n');
    expect(problemsOf({ GATEWAY_CONFIG: file })[0]).toMatch(/is not valid YAML/);
  });

  it('refuses a misspelt variable in production and only warns about it elsewhere', () => {
    const env = {
      B2C_URL: 'https://site.example.com',
      B2C_USERNAME: 'integration',
      B2C_PASSWORD: 'env:B2C_SECRET',
      B2C_SECRET: 'named by a reference, so not flagged',
      PUBLIC_BASE_URL: 'https://gateway.example.com',
      ADMIN_MODE: 'disabled',
      B2C_RATE_LIMIT_PER_SECONDS: '20',
    };
    expect(problemsOf({ ...env, NODE_ENV: 'production' })).toEqual([
      'B2C_RATE_LIMIT_PER_SECONDS: is not a known setting; did you mean B2C_RATE_LIMIT_PER_SECOND?',
    ]);
    const warnings: string[] = [];
    expect(() => loadGatewayConfig(env, (warning) => warnings.push(warning))).not.toThrow();
    expect(warnings).toEqual([
      'B2C_RATE_LIMIT_PER_SECONDS: is not a known setting; did you mean B2C_RATE_LIMIT_PER_SECOND?',
    ]);
  });
});
