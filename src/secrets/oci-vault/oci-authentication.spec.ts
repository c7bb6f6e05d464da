import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oci from 'oci-common';
import { SecretUnavailableError } from '../secret-resolution.error';
import { OciVaultSettings } from '../../config/secrets.settings';
import {
  createApiKeyIdentity,
  writeOciConfigFile,
} from '../../emulators/oci-vault/api-key-identity';
import { buildOciAuthentication, prepareOciAuthentication } from './oci-authentication';
import { retryConfiguration } from './oci-vault-reader';

/**
 * Which oci-common provider each `secrets.ociVault.auth` selects. Instance principals, resource
 * principals and OKE workload identity need OCI to run for real (the instance metadata service,
 * a Functions/OKE runtime): here they are only constructed, from the environment variables and
 * files those platforms provide, which needs no network. Config-file auth runs end to end in
 * oci-vault.spec.ts.
 */
describe('OCI authentication selection', () => {
  let dir: string;
  const saved: Record<string, string | undefined> = {};
  const PLATFORM_VARIABLES = [
    'OCI_RESOURCE_PRINCIPAL_VERSION',
    'OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM',
    'OCI_RESOURCE_PRINCIPAL_RPST',
    'OCI_RESOURCE_PRINCIPAL_REGION',
    'KUBERNETES_SERVICE_HOST',
    'KUBERNETES_SERVICE_PORT_PROXYMUX',
  ];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oci-auth-spec-'));
    // The SDK reads these itself (they are set by the OCI platform, not by the operator).
    for (const name of PLATFORM_VARIABLES) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });
  afterEach(() => {
    for (const name of PLATFORM_VARIABLES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const settings = (change: Partial<OciVaultSettings>) =>
    Object.assign(new OciVaultSettings(), change);

  it('config-file: ConfigFileAuthenticationDetailsProvider with the configured file and profile', async () => {
    const identity = createApiKeyIdentity();
    const configFile = writeOciConfigFile(dir, identity, {
      profile: 'GW',
      region: 'eu-frankfurt-1',
    });
    const prepared = prepareOciAuthentication(
      settings({ auth: 'config-file', configFile, profile: 'GW' }),
      oci,
    );
    const provider = await buildOciAuthentication(prepared);
    expect(provider).toBeInstanceOf(oci.ConfigFileAuthenticationDetailsProvider);
    await expect(provider.getKeyId()).resolves.toBe(identity.keyId);
    expect((provider as oci.ConfigFileAuthenticationDetailsProvider).getRegion().regionId).toBe(
      'eu-frankfurt-1',
    );
  });

  it('config-file: a missing profile is a SecretUnavailableError that says so', () => {
    const configFile = writeOciConfigFile(dir, createApiKeyIdentity());
    expect(() => prepareOciAuthentication(settings({ configFile, profile: 'NOPE' }), oci)).toThrow(
      SecretUnavailableError,
    );
  });

  it('instance-principal: the instance principals builder (built on first use, from the metadata service)', () => {
    const prepared = prepareOciAuthentication(settings({ auth: 'instance-principal' }), oci);
    expect(prepared.method).toBe('instance-principal');
    expect(prepared).toHaveProperty(
      'builder',
      expect.any(oci.InstancePrincipalsAuthenticationDetailsProviderBuilder),
    );
  });

  it('resource-principal: ResourcePrincipalAuthenticationDetailsProvider from the OCI_RESOURCE_PRINCIPAL_* variables', async () => {
    process.env.OCI_RESOURCE_PRINCIPAL_VERSION = '2.2';
    process.env.OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM = createApiKeyIdentity().privateKeyPem;
    process.env.OCI_RESOURCE_PRINCIPAL_RPST = 'header.payload.signature';
    process.env.OCI_RESOURCE_PRINCIPAL_REGION = 'us-phoenix-1';
    const provider = await buildOciAuthentication(
      prepareOciAuthentication(settings({ auth: 'resource-principal' }), oci),
    );
    expect(provider).toBeInstanceOf(oci.ResourcePrincipalAuthenticationDetailsProvider);
    expect(
      (provider as oci.ResourcePrincipalAuthenticationDetailsProvider).getRegion().regionId,
    ).toBe('us-phoenix-1');
  });

  it('resource-principal outside a resource: names the missing variable', () => {
    expect(() => prepareOciAuthentication(settings({ auth: 'resource-principal' }), oci)).toThrow(
      /OCI authentication \(resource-principal\) could not be set up: OCI_RESOURCE_PRINCIPAL_VERSION/,
    );
  });

  it('oke-workload-identity: OkeWorkloadIdentityAuthenticationDetailsProvider from the service account files', async () => {
    process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
    process.env.KUBERNETES_SERVICE_PORT_PROXYMUX = '12250';
    const cert = join(dir, 'ca.crt');
    const token = join(dir, 'token');
    writeFileSync(cert, 'not checked until the first token exchange');
    writeFileSync(token, 'service-account-token');
    const provider = await buildOciAuthentication(
      prepareOciAuthentication(
        settings({
          auth: 'oke-workload-identity',
          okeServiceAccountCertPath: cert,
          okeServiceAccountTokenPath: token,
        }),
        oci,
      ),
    );
    expect(provider).toBeInstanceOf(oci.OkeWorkloadIdentityAuthenticationDetailsProvider);
  });

  it('oke-workload-identity outside Kubernetes: names the missing variable', () => {
    expect(() =>
      prepareOciAuthentication(settings({ auth: 'oke-workload-identity' }), oci),
    ).toThrow(/KUBERNETES_SERVICE_HOST/);
  });

  it('retries: one attempt is the SDK own no-retry configuration; more are bounded and quick', () => {
    expect(retryConfiguration(oci, 1)).toBe(oci.NoRetryConfigurationDetails);
    const three = retryConfiguration(oci, 3);
    expect(three.terminationStrategy).toEqual(new oci.MaxAttemptsTerminationStrategy(3));
    expect(three.delayStrategy).toEqual(new oci.ExponentialBackoffDelayStrategy(2));
  });
});
