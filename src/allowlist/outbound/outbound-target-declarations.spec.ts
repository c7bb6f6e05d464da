import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryService, GraphInspector, MetadataScanner, NestContainer } from '@nestjs/core';
import { DependenciesScanner } from '@nestjs/core/scanner';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../app.module';
import { ConfigError } from '../../common/problem/config-error';
import { prepareConfiguration } from '../../config/config.module';
import { GatewayConfig } from '../../config/gateway-config';
import { loadGatewayConfig } from '../../config/load-config';
import { assertConfiguredTargetsAllowed, declaredOutboundTargets } from './configured-targets';
import { OutboundAllowModule } from './outbound-allow.module';
import { OutboundGuard } from './outbound-guard';
import { compileOutboundPolicy } from './targets/outbound-policy';
import { provideOutboundTargets } from './outbound-target-declaration.port';

@Global()
@Module({})
class ConfigStubModule {
  static with(config: GatewayConfig): DynamicModule {
    return {
      module: ConfigStubModule,
      providers: [{ provide: GatewayConfig, useValue: config }],
      exports: [GatewayConfig],
    };
  }
}

/** A feature that declares a target of its own, read from the configuration. */
@Module({
  providers: [
    provideOutboundTargets('alpha', (config) => [
      { key: 'alpha.url (ALPHA_URL)', url: `https://alpha.example.com/${config.b2c.apiVersion}/` },
    ]),
  ],
})
class AlphaFeatureModule {}

/** A second one, reached only through another module's imports, declaring nothing when off. */
@Module({
  providers: [
    provideOutboundTargets('beta', (config) =>
      config.tracing.serviceName === 'off'
        ? []
        : [{ key: 'beta.url (BETA_URL)', url: 'https://beta.example.com' }],
    ),
  ],
})
class BetaFeatureModule {}

@Module({ imports: [BetaFeatureModule] })
class BetaParentModule {}

async function startWith(config: GatewayConfig) {
  return Test.createTestingModule({
    imports: [
      ConfigStubModule.with(config),
      OutboundAllowModule,
      AlphaFeatureModule,
      BetaParentModule,
    ],
  }).compile();
}

function configListing(targets: string, serviceName?: string): GatewayConfig {
  return loadGatewayConfig({
    ALLOWLIST_OUTBOUND_TARGETS: targets,
    ...(serviceName === undefined ? {} : { OTEL_SERVICE_NAME: serviceName }),
  });
}

async function startUpError(start: () => Promise<unknown>): Promise<ConfigError> {
  let error: unknown;
  try {
    const started = await start();
    // Not expected: close what was built so the failure is the assertion, not a leak.
    await (started as { close?: () => Promise<void> }).close?.();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('outbound targets declared by each feature', () => {
  it('collects every module’s declaration and refuses start-up naming each target off the list', async () => {
    const error = await startUpError(() => startWith(configListing('other.example.com')));
    expect(error.problems).toEqual(
      expect.arrayContaining([
        'alpha.url (ALPHA_URL): https://alpha.example.com/v1.4/ is not an allowed outbound target ' +
          '(host alpha.example.com is not on the outbound allowlist); list it in ' +
          'allowlist.outbound.targets (ALLOWLIST_OUTBOUND_TARGETS)',
        expect.stringContaining('beta.url (BETA_URL): https://beta.example.com'),
      ]),
    );
    expect(error.problems).toHaveLength(2);
  });

  it('starts when every declared target is listed, and asks each declaration again', async () => {
    const listed = await startWith(configListing('alpha.example.com,beta.example.com'));
    expect(listed.get(OutboundGuard)).toBeInstanceOf(OutboundGuard);
    await listed.close();
    // Beta declares nothing when its feature is off: only alpha is refused.
    const error = await startUpError(() => startWith(configListing('gamma.example.com', 'off')));
    expect(error.problems).toEqual([expect.stringContaining('alpha.url (ALPHA_URL)')]);
  });
});

describe('the gateway’s features each declare their outbound targets', () => {
  let error: ConfigError;

  beforeAll(async () => {
    const configuration = prepareConfiguration({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'outbound-declarations-')),
      ALLOWLIST_OUTBOUND_TARGETS: 'listed.example.com',
      B2C_URL: 'https://site.example.com',
      B2C_AUTH: 'oauth',
      B2C_OAUTH_TOKEN_URL: 'https://idcs-b2c.example.com/oauth2/v1/token',
      B2C_OAUTH_CLIENT_ID: 'gateway',
      B2C_OAUTH_CLIENT_SECRET: 'env:OUTBOUND_SPEC_UNSET',
      ADMIN_MODE: 'jwt',
      ADMIN_JWT_JWKS_URL: 'https://idcs-admin.example.com/admin/v1/SigningCert/jwk',
      ADMIN_JWT_ISSUER: 'https://identity.oraclecloud.com/',
      ADMIN_JWT_AUDIENCE: 'gateway',
      ADMIN_OIDC_ISSUER: 'https://idcs-oidc.example.com',
      ADMIN_OIDC_CLIENT_ID: 'console',
      ADMIN_OIDC_CLIENT_SECRET: 'env:OUTBOUND_SPEC_UNSET',
      ADMIN_OIDC_REDIRECT_URL: 'https://gateway.example.com/admin/oidc/callback',
      ADMIN_SESSION_SECRET: 'env:OUTBOUND_SPEC_UNSET',
      OCI_VAULT_ENDPOINT: 'https://vault.example.com',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com',
    });
    // The real application's module graph, scanned as NestFactory does but with nothing built:
    // building it (the guard refuses, but Nest builds modules concurrently) would start the
    // SQLite worker thread. That the guard checks what is collected is proven above.
    @Module({ imports: [AppModule.forRoot(configuration)] })
    class Application {}
    const container = new NestContainer();
    await new DependenciesScanner(
      container,
      new MetadataScanner(),
      new GraphInspector(container),
    ).scan(Application);
    const { config } = configuration;
    const targets = declaredOutboundTargets(new DiscoveryService(container.getModules()), config);
    const policy = compileOutboundPolicy(config.allowlist.outbound, config.nodeEnv);
    error = await startUpError(async () => assertConfiguredTargetsAllowed(policy, targets));
  });

  it.each([
    ['b2c', 'b2c.url (B2C_URL): https://site.example.com/services/rest/connect/v1.4/'],
    [
      'b2c (OAuth)',
      'b2c.oauth.tokenUrl (B2C_OAUTH_TOKEN_URL): https://idcs-b2c.example.com/oauth2/v1/token',
    ],
    [
      'admin',
      'admin.jwt.jwksUrl (ADMIN_JWT_JWKS_URL): https://idcs-admin.example.com/admin/v1/SigningCert/jwk',
    ],
    ['admin console OIDC', 'admin.oidc.issuer (ADMIN_OIDC_ISSUER): https://idcs-oidc.example.com'],
    ['OCI Vault', 'secrets.ociVault.endpoint (OCI_VAULT_ENDPOINT): https://vault.example.com'],
    [
      'tracing',
      'tracing.endpoint (OTEL_EXPORTER_OTLP_ENDPOINT): https://otel.example.com/v1/traces',
    ],
  ])('%s: a target off the list stops start-up with its key', (_feature, start) => {
    expect(error.problems).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${start.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\S* is not an allowed outbound target`,
        ),
      ),
    );
  });

  it('declares nothing else', () => {
    expect(error.problems).toHaveLength(6);
  });
});
