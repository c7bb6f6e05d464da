import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closest, editDistance, unknownVariableProblems } from './unknown-variables';

describe('unknown variables', () => {
  it('names a misspelt setting under a gateway prefix with the closest known variable', () => {
    expect(
      unknownVariableProblems({ B2C_RATE_LIMIT_PER_SECONDS: '20', THROTTLE_PER_SOURSE: '50' }, {}),
    ).toEqual([
      'B2C_RATE_LIMIT_PER_SECONDS: is not a known setting; did you mean B2C_RATE_LIMIT_PER_SECOND?',
      'THROTTLE_PER_SOURSE: is not a known setting; did you mean THROTTLE_PER_SOURCE?',
    ]);
  });

  it('offers no suggestion when nothing is close', () => {
    expect(unknownVariableProblems({ WORKER_SHARDING_STRATEGY: 'hash' }, {})).toEqual([
      'WORKER_SHARDING_STRATEGY: is not a known setting',
    ]);
  });

  it('points a VENDOR_ variable without the double underscore at the vendor form', () => {
    expect(unknownVariableProblems({ VENDOR_TWILIO_AUTH_TOKEN: 'x' }, {})).toEqual([
      'VENDOR_TWILIO_AUTH_TOKEN: is not a known setting; vendor settings are VENDOR_<NAME>__<KEY>',
    ]);
  });

  it('leaves known variables, vendor variables and variables outside the prefixes alone', () => {
    expect(
      unknownVariableProblems(
        {
          B2C_RATE_LIMIT_PER_SECOND: '20',
          GATEWAY_CONFIG: '/etc/gateway.yaml',
          VENDOR_TWILIO__AUTH_TOKEN: 'env:TWILIO_TOKEN',
          NODE_OPTIONS: '--max-old-space-size=512',
          NODE_EXTRA_CA_CERTS: '/etc/ca.pem',
          HOSTNAME: 'gateway-7d9f',
          OTEL_SERVICE_NAME: 'gateway',
          REDIS_PASSWORD: 'x',
          PATH: '/usr/bin',
        },
        {},
      ),
    ).toEqual([]);
  });

  it('leaves alone a variable an env: secret reference names, wherever the reference is', () => {
    const settings = {
      b2c: { password: 'env:B2C_SECRET' },
      vendors: { twilio: { authToken: 'env:B2C_TWILIO_TOKEN' } },
      admin: { token: 'file:/run/secrets/ADMIN_TOKEN_FILE' },
    };
    expect(
      unknownVariableProblems(
        { B2C_SECRET: 'a', B2C_TWILIO_TOKEN: 'b', ADMIN_TOKEN_FILE: 'c' },
        settings,
      ),
    ).toEqual(['ADMIN_TOKEN_FILE: is not a known setting']);
  });

  it('leaves alone Kubernetes service links and empty values', () => {
    expect(
      unknownVariableProblems(
        {
          B2C_GATEWAY_SERVICE_HOST: '10.0.0.7',
          B2C_GATEWAY_SERVICE_PORT: '80',
          B2C_GATEWAY_SERVICE_PORT_HTTP: '80',
          B2C_GATEWAY_PORT: 'tcp://10.0.0.7:80',
          B2C_GATEWAY_PORT_80_TCP_ADDR: '10.0.0.7',
          B2C_OLD_SETTING: '',
        },
        {},
      ),
    ).toEqual([]);
    expect(unknownVariableProblems({ ADMIN_PORT: '9000' }, {})).toHaveLength(1);
  });

  it('leaves alone every variable the source reads directly', () => {
    const reads = sourceFiles(join(__dirname, '..')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/process\.env\.([A-Z0-9_]+)/g)].map(
        (match) => match[1],
      ),
    );
    expect(reads).toContain('EMULATOR_USERNAME');
    const env = Object.fromEntries(reads.map((name) => [name, 'set']));
    expect(unknownVariableProblems(env, {})).toEqual([]);
  });

  it('measures a swap of neighbours as one edit and suggests only near names', () => {
    expect(editDistance('SOURSE', 'SOURCE')).toBe(1);
    expect(editDistance('PROT', 'PORT')).toBe(1);
    expect(editDistance('', 'ABC')).toBe(3);
    expect(closest('ADMIN_MOD', ['ADMIN_MODE', 'ADMIN_TOKEN'])).toBe('ADMIN_MODE');
    expect(closest('B2C_FOO_MS', ['B2C_TIMEOUT_MS'])).toBeUndefined();
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}
