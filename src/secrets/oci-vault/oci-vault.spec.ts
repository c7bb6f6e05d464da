import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../../test/support/wait-for';
import { OutboundGuard } from '../../allowlist/outbound/outbound-guard';
import type { OutboundHttp } from '../../allowlist/outbound/outbound-http.port';
import { OutboundHttpClient } from '../../allowlist/outbound/outbound-http.client';
import { compileOutboundPolicy } from '../../allowlist/outbound/targets/outbound-policy';
import { OutboundSettings } from '../../allowlist/outbound/targets/outbound.settings';
import { GatewayConfig } from '../../config/gateway-config';
import { SecretResolutionError } from '../secret-resolution.error';
import { SecretsService } from '../secrets.service';
import {
  createApiKeyIdentity,
  writeOciConfigFile,
  type ApiKeyIdentity,
} from '../../emulators/oci-vault/api-key-identity';
import { VaultEmulator } from '../../emulators/oci-vault/vault-emulator';
import { DirectVaultTransport } from './vault-transport';

/**
 * The real oci-secrets SecretsClient (config-file authentication, DefaultRequestSigner) against
 * the Vault emulator on loopback, through SecretsService as the gateway uses it. The SDK's retry
 * is configured to one attempt (secrets.ociVault.maxAttempts = 1, i.e. NoRetryConfigurationDetails)
 * so each read is exactly one request and a failure shows at once.
 */
const SECRET = 'ocid1.vaultsecret.oc1.iad.amaaaaaaemulatorb2cpassword';
const OTHER = 'ocid1.vaultsecret.oc1.iad.amaaaaaaemulatornotthere';

describe('OCI Vault secrets through the SDK and the emulator', () => {
  let emulator: VaultEmulator;
  let identity: ApiKeyIdentity;
  let dir: string;
  let configFile: string;
  const services: SecretsService[] = [];
  let warn: jest.SpyInstance;
  let info: jest.SpyInstance;

  beforeAll(async () => {
    emulator = await VaultEmulator.start();
    identity = createApiKeyIdentity();
    emulator.addApiKey(identity.keyId, identity.publicKey);
    dir = mkdtempSync(join(tmpdir(), 'oci-vault-spec-'));
    configFile = writeOciConfigFile(join(dir, 'oci'), identity, { profile: 'GATEWAY' });
  });

  beforeEach(() => {
    emulator.requests.length = 0;
    emulator.setOutage(undefined);
    // The SDK's retrier reports every failed call with console.warn; keep the test output quiet.
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    // ConfigFileReader mentions on console.info that the file has no DEFAULT profile.
    info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    warn.mockRestore();
    info.mockRestore();
    await Promise.all(services.splice(0).map((service) => service.onModuleDestroy()));
  });

  afterAll(async () => {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function service(
    change: (config: GatewayConfig) => void = () => undefined,
    outbound?: OutboundHttp,
  ): SecretsService {
    const created = new SecretsService({}, configFor(change), outbound);
    services.push(created);
    return created;
  }

  function configFor(change: (config: GatewayConfig) => void = () => undefined): GatewayConfig {
    const config = new GatewayConfig();
    config.nodeEnv = 'test';
    Object.assign(config.secrets, { ttlMs: 60_000, rotationOverlapMs: 0 });
    Object.assign(config.secrets.ociVault, {
      auth: 'config-file',
      configFile,
      profile: 'GATEWAY',
      endpoint: emulator.url,
      maxAttempts: 1,
      timeoutMs: 2000,
    });
    change(config);
    return config;
  }

  it('reads the CURRENT version with a request signed by the configured API key', async () => {
    emulator.putSecret(SECRET, 'b2c-password-v1');

    await expect(service().resolve('b2c.password', `oci-vault:${SECRET}`)).resolves.toBe(
      'b2c-password-v1',
    );

    expect(emulator.requests).toHaveLength(1);
    const [request] = emulator.requests;
    expect(request.url).toBe(`/20190301/secretbundles/${SECRET}?stage=CURRENT`);
    expect(request.status).toBe(200);
    expect(request.refusal).toBeUndefined(); // the emulator verified the RSA signature
    expect(request.signature).toEqual({
      version: '1',
      keyId: `${identity.tenancy}/${identity.user}/${identity.fingerprint}`,
      algorithm: 'rsa-sha256',
      headers: ['x-date', '(request-target)', 'host'],
      signature: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
    });
  });

  it('turns 404 NotAuthorizedOrNotFound into a SecretResolutionError naming setting and reference', async () => {
    const error = await service()
      .resolve('vendors.twilio.authToken', `oci-vault:${OTHER}`)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SecretResolutionError);
    const resolution = error as SecretResolutionError;
    expect(resolution.setting).toBe('vendors.twilio.authToken');
    expect(resolution.reference).toBe(`oci-vault:${OTHER}`);
    expect(resolution.message).toMatch(
      new RegExp(
        `^vendors\\.twilio\\.authToken: oci-vault:${OTHER} was not found.*NotAuthorizedOrNotFound`,
      ),
    );
    // One attempt: the SDK's default of 8 is off.
    expect(emulator.requests.map((request) => request.status)).toEqual([404]);
  });

  it('reports a signature the Vault refuses (a key it does not know) as such', async () => {
    const stranger = createApiKeyIdentity('stranger');
    const strangerConfig = writeOciConfigFile(join(dir, 'stranger'), stranger);
    emulator.putSecret(SECRET, 'b2c-password');

    const error = await service((config) => {
      Object.assign(config.secrets.ociVault, { configFile: strangerConfig, profile: 'DEFAULT' });
    })
      .resolve('b2c.password', `oci-vault:${SECRET}`)
      .catch((caught: unknown) => caught as Error);

    expect(error).toBeInstanceOf(SecretResolutionError);
    expect((error as Error).message).toMatch(/refused the request signature \(NotAuthenticated/);
    expect(emulator.requests[0].refusal).toBe('unknown keyId');
  });

  it('picks up a rotation in the background and accepts the old value only during the overlap', async () => {
    emulator.putSecret(SECRET, 'token-v1');
    const secrets = service((config) => {
      Object.assign(config.secrets, { ttlMs: 150, rotationOverlapMs: 800 });
    });
    const handle = await secrets.watch('vendors.twilio.authToken', `oci-vault:${SECRET}`);
    let rotations = 0;
    handle.onRotation(() => rotations++);
    expect(handle.acceptedValues()).toEqual(['token-v1']);

    emulator.putSecret(SECRET, 'token-v2');
    await waitFor(
      'the new version',
      () => (handle.current() === 'token-v2' ? true : undefined),
      3000,
    );

    expect(handle.acceptedValues()).toEqual(['token-v2', 'token-v1']);
    expect(rotations).toBe(1);
    await waitFor(
      'the overlap to end',
      () => (handle.acceptedValues().length === 1 ? true : undefined),
      3000,
    );
    expect(handle.acceptedValues()).toEqual(['token-v2']);
    await expect(secrets.resolve('b2c.password', `oci-vault:${SECRET}`)).resolves.toBe('token-v2');
  });

  it('keeps the last good value while the Vault fails, and shows it in status until it recovers', async () => {
    emulator.putSecret(SECRET, 'still-good');
    const secrets = service((config) => {
      Object.assign(config.secrets, { ttlMs: 100, retryAfterFailureMs: 100 });
    });
    const handle = await secrets.watch('b2c.password', `oci-vault:${SECRET}`);
    expect(secrets.status()).toEqual({ loaded: true, failing: [] });

    emulator.setOutage(503);
    const failing = await waitFor('a failed refresh', () => secrets.status().failing[0], 3000);

    expect(failing).toEqual({
      setting: 'b2c.password',
      reference: `oci-vault:${SECRET}`,
      since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      error: expect.stringContaining('OCI Vault answered 503 InternalServerError'),
    });
    expect(JSON.stringify(secrets.status())).not.toContain('still-good');
    expect(handle.current()).toBe('still-good');
    expect(secrets.status().loaded).toBe(true);

    emulator.setOutage(undefined);
    await waitFor(
      'recovery',
      () => (secrets.status().failing.length === 0 ? true : undefined),
      3000,
    );
    expect(handle.current()).toBe('still-good');
  });

  it('sends through the OUTBOUND_HTTP port when the gateway provides one', async () => {
    emulator.putSecret(SECRET, 'via-port');
    const direct = new DirectVaultTransport(false, 2000);
    const purposes: string[] = [];
    const outbound: OutboundHttp = {
      request: (request) => {
        purposes.push(`${request.purpose} ${request.method} ${new URL(request.url).pathname}`);
        return direct.request(request);
      },
    };
    try {
      await expect(
        service(undefined, outbound).resolve('b2c.password', `oci-vault:${SECRET}`),
      ).resolves.toBe('via-port');
    } finally {
      direct.close();
    }
    expect(purposes).toEqual([`oci-vault GET /20190301/secretbundles/${SECRET}`]);
  });

  describe('through the gateway outbound allowlist (OutboundGuard + OUTBOUND_HTTP)', () => {
    function guarded(targets: string[]) {
      const settings = Object.assign(new OutboundSettings(), {
        targets,
        allowHttpForDevelopment: true,
      });
      const guard = new OutboundGuard(compileOutboundPolicy(settings, 'development'));
      const http = new OutboundHttpClient(guard);
      const created = new SecretsService({}, configFor(), http, guard);
      services.push(created);
      return { secrets: created, close: () => http.onModuleDestroy() };
    }

    it('reads the secret when the Vault endpoint is listed', async () => {
      emulator.putSecret(SECRET, 'listed');
      const { secrets, close } = guarded([emulator.url]);
      try {
        await expect(secrets.resolve('b2c.password', `oci-vault:${SECRET}`)).resolves.toBe(
          'listed',
        );
      } finally {
        close();
      }
      expect(emulator.requests).toHaveLength(1);
    });

    it('refuses before any request when the Vault endpoint is not listed', async () => {
      const { secrets, close } = guarded(['https://mysite.custhelp.com']);
      try {
        await expect(secrets.resolve('b2c.password', `oci-vault:${SECRET}`)).rejects.toThrow(
          /refused by the outbound policy \(http:\/\/127\.0\.0\.1:\d+ is not a listed http:\/\/ development target/,
        );
      } finally {
        close();
      }
      expect(emulator.requests).toHaveLength(0);
    });
  });

  it('refuses a plain-HTTP Vault endpoint that is not loopback before sending anything', async () => {
    const error = await service((config) => {
      config.secrets.ociVault.endpoint = 'http://vault.example.com';
    })
      .resolve('b2c.password', `oci-vault:${SECRET}`)
      .catch((caught: unknown) => caught as Error);

    expect(error).toBeInstanceOf(SecretResolutionError);
    expect((error as Error).message).toMatch(/refused by the outbound policy/);
  });

  it('refuses plain HTTP even to loopback in production', async () => {
    const error = await service((config) => {
      config.nodeEnv = 'production';
    })
      .resolve('b2c.password', `oci-vault:${SECRET}`)
      .catch((caught: unknown) => caught as Error);

    expect((error as Error).message).toMatch(
      /refused by the outbound policy \(OCI Vault is only called over HTTPS\)/,
    );
    expect(emulator.requests).toHaveLength(0);
  });

  it('refuses a reference that is no secret OCID without calling the Vault', async () => {
    await expect(service().resolve('b2c.password', 'oci-vault:../../etc')).rejects.toThrow(
      'b2c.password: oci-vault:../../etc is not a secret OCID',
    );
    expect(emulator.requests).toHaveLength(0);
  });

  it('names the config file problem when the OCI configuration cannot be read', async () => {
    await expect(
      service((config) => {
        config.secrets.ociVault.configFile = join(dir, 'missing', 'config');
      }).resolve('b2c.password', `oci-vault:${SECRET}`),
    ).rejects.toThrow(/OCI authentication \(config-file\) could not be set up/);
  });
});
