import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayConfig } from '../config/gateway-config';
import { effectiveConfig, type VendorInForce } from './effective-config';
import { SECRET_SETTINGS } from './secret-settings';

const SRC = join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The code of a file without its comments (which quote call sites as examples). */
const code = (file: string) =>
  readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');

/** `secrets.watch('key', …)` / `secrets.resolve(`vendors.${…}`, …)` and the like, across lines. */
const CALL = /\bsecrets\s*\.\s*(?:watch|resolve)\(\s*(['"`])((?:(?!\1).)*)\1/gs;

describe('SECRET_SETTINGS', () => {
  const calls = sourceFiles(SRC).flatMap((file) =>
    [...code(file).matchAll(CALL)].map((match) => ({ file, key: match[2] })),
  );

  it('finds the call sites it checks (the scan itself works)', () => {
    // admin token, B2C password, session id, OAuth client secret, DATABASE_URL, REDIS_URL, vendors
    expect(calls.length).toBeGreaterThanOrEqual(7);
  });

  it('covers every setting resolved as a secret, vendors by their secretSettings', () => {
    const missing = calls
      .filter(({ key }) => !key.startsWith('vendors.${') && !SECRET_SETTINGS.has(key))
      .map(({ file, key }) => `${key} (${file.slice(SRC.length + 1)})`);
    expect(missing).toEqual([]);
  });

  it('names only settings that exist', () => {
    const config = new GatewayConfig();
    config.b2c.oauth = {} as never;
    for (const key of SECRET_SETTINGS) {
      const [leaf, ...parents] = key.split('.').reverse();
      let node: unknown = config;
      for (const part of parents.reverse()) node = (node as Record<string, unknown>)[part];
      expect({ key, known: node !== undefined && typeof node === 'object' }).toEqual({
        key,
        known: true,
      });
      expect(leaf).not.toBe('');
    }
  });
});

describe('effectiveConfig', () => {
  const secrets = {
    token: 'admin-token-value-4b1d',
    password: 'b2c-password-value-77aa',
    url: 'postgres://gw:pg-password-9c2e@db.example.com:5432/gateway',
    redis: 'redis://:redis-password-31f0@cache.example.com:6379',
    vendor: 'vendor-auth-token-5e6f',
  };
  const config = Object.assign(new GatewayConfig(), {
    vendors: {
      twilio: { authToken: secrets.vendor, apiKeySid: 'SK123', enabled: 'true' },
      plivo: { enabled: 'false', authToken: 'plivo-secret-0000' },
    },
  });
  config.admin.token = secrets.token;
  config.b2c.password = 'env:B2C_PASSWORD';
  config.b2c.sessionId = 'oci-vault:ocid1.vaultsecret.oc1..example';
  config.storage.postgres.url = secrets.url;
  config.throttle.redisUrl = 'file:/run/secrets/redis-url';
  config.server.publicBaseUrl = 'https://user:hidden-pass-1234@gateway.example.com/';
  config.b2c.username = `file:/run/secrets/${secrets.password}`;

  const view = effectiveConfig(
    config,
    {
      inbound: { rules: [] },
      vendorSources: {},
      outbound: { targets: [], allowHttpForDevelopment: false, hostAddresses: {}, caBundle: false },
    },
    new Map<string, VendorInForce | false>([
      ['twilio', { settings: config.vendors.twilio, secretSettings: ['authToken'] }],
      ['plivo', false],
    ]),
  );
  const text = JSON.stringify(view);

  it('shows no secret, nor any part of one', () => {
    for (const value of [...Object.values(secrets), 'pg-password-9c2e', 'redis-password-31f0']) {
      expect(text).not.toContain(value);
    }
    expect(text).not.toContain('hidden-pass-1234');
    expect(text).not.toContain('plivo-secret-0000');
  });

  it('shows each secret as its kind of reference', () => {
    expect(view).toMatchObject({
      admin: { token: { secret: 'value' } },
      b2c: {
        password: { secret: 'env:' },
        sessionId: { secret: 'oci-vault:' },
        username: { secret: 'file:' },
      },
      storage: { postgres: { url: { secret: 'value' } } },
      throttle: { redisUrl: { secret: 'file:' } },
      vendors: {
        twilio: { authToken: { secret: 'value' }, apiKeySid: 'SK123', enabled: true },
        plivo: { enabled: false },
      },
      server: { publicBaseUrl: 'https://gateway.example.com/' },
    });
  });
});
