import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../test/support/wait-for';
import type { ConfigError } from '../common/problem/config-error';
import { GatewayConfig } from '../config/gateway-config';
import { loadGatewayConfig } from '../config/load-config';
import { SecretResolutionError, SecretsService } from './secrets.service';

/** env: and file: references through the service, with real files and real timers. */
describe('SecretsService (env and file references)', () => {
  let dir: string;
  const services: SecretsService[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'secrets-spec-'));
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.onModuleDestroy()));
    rmSync(dir, { recursive: true, force: true });
  });

  function service(env: Record<string, string | undefined>, ttlMs = 60_000): SecretsService {
    const config = new GatewayConfig();
    Object.assign(config.secrets, { ttlMs, retryAfterFailureMs: ttlMs, rotationOverlapMs: 5000 });
    const created = new SecretsService(env, config);
    services.push(created);
    return created;
  }

  it('resolves env:, file: (trailing newline dropped) and literal references', async () => {
    const file = join(dir, 'password');
    writeFileSync(file, 'from-file\n');
    const secrets = service({ TOKEN: 'from-env' });
    await expect(secrets.resolve('a', 'env:TOKEN')).resolves.toBe('from-env');
    await expect(secrets.resolve('b', `file:${file}`)).resolves.toBe('from-file');
    await expect(secrets.resolve('c', 'literal')).resolves.toBe('literal');
  });

  it('names the setting and reference of an unreadable file, without a value', async () => {
    const missing = join(dir, 'nope');
    const error = await service({})
      .resolve('b2c.password', `file:${missing}`)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretResolutionError);
    expect((error as Error).message).toBe(`b2c.password: file:${missing} cannot be read (ENOENT)`);
  });

  it('picks up a rotated file, and keeps the last value while the file is gone', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'v1');
    const secrets = service({}, 100);
    const handle = await secrets.watch('vendors.twilio.authToken', `file:${file}`);

    writeFileSync(file, 'v2\n');
    await waitFor('the rotated file', () => (handle.current() === 'v2' ? true : undefined), 3000);
    expect(handle.acceptedValues()).toEqual(['v2', 'v1']);

    unlinkSync(file);
    const failing = await waitFor('a failed refresh', () => secrets.status().failing[0], 3000);
    expect(failing).toMatchObject({
      setting: 'vendors.twilio.authToken',
      reference: `file:${file}`,
      error: 'cannot be read (ENOENT)',
    });
    expect(handle.current()).toBe('v2');

    writeFileSync(file, 'v3');
    await waitFor('recovery', () => (handle.current() === 'v3' ? true : undefined), 3000);
    expect(secrets.status()).toEqual({ loaded: true, failing: [] });
  });

  it('picks up a changed environment variable', async () => {
    const env: Record<string, string | undefined> = { TOKEN: 'one' };
    const secrets = service(env, 100);
    const handle = await secrets.watch('x', 'env:TOKEN');
    env.TOKEN = 'two';
    await waitFor('the new value', () => (handle.current() === 'two' ? true : undefined), 3000);
  });

  it('stops refreshing on module destroy', async () => {
    // Fake timers: the refresh that must not happen is ruled out, not waited for.
    jest.useFakeTimers();
    try {
      const env: Record<string, string | undefined> = { TOKEN: 'one' };
      const secrets = service(env, 100);
      const handle = await secrets.watch('x', 'env:TOKEN');
      await secrets.onModuleDestroy();
      env.TOKEN = 'two';
      expect(jest.getTimerCount()).toBe(0);
      await jest.advanceTimersByTimeAsync(10 * 100);
      expect(handle.current()).toBe('one');
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('secrets configuration', () => {
  it('has defaults and reads the SECRETS_* and OCI_VAULT_* variables', () => {
    expect(loadGatewayConfig({}).secrets).toMatchObject({
      ttlMs: 300_000,
      rotationOverlapMs: 900_000,
      ociVault: {
        auth: 'config-file',
        configFile: '~/.oci/config',
        profile: 'DEFAULT',
        maxAttempts: 2,
      },
    });
    const config = loadGatewayConfig({
      SECRETS_TTL_MS: '60000',
      SECRETS_ROTATION_OVERLAP_MS: '0',
      OCI_VAULT_AUTH: 'instance-principal',
      OCI_VAULT_REGION: 'eu-frankfurt-1',
      OCI_VAULT_ENDPOINT: 'https://secrets.vaults.eu-frankfurt-1.oci.oraclecloud.com',
      OCI_VAULT_MAX_ATTEMPTS: '1',
    });
    expect(config.secrets).toMatchObject({
      ttlMs: 60_000,
      rotationOverlapMs: 0,
      ociVault: {
        auth: 'instance-principal',
        region: 'eu-frankfurt-1',
        endpoint: 'https://secrets.vaults.eu-frankfurt-1.oci.oraclecloud.com',
        maxAttempts: 1,
      },
    });
  });

  it('names the key and variable of a wrong value', () => {
    let problems: readonly string[] = [];
    try {
      loadGatewayConfig({ OCI_VAULT_AUTH: 'password', SECRETS_TTL_MS: '5' });
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^secrets\.ociVault\.auth \(OCI_VAULT_AUTH\): must be one of/),
        expect.stringMatching(/^secrets\.ttlMs \(SECRETS_TTL_MS\): must not be less than 100/),
      ]),
    );
  });
});
