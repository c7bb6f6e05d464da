import { Logger } from '@nestjs/common';
import type { RetryConfiguration } from 'oci-common';
import type { SecretsClient } from 'oci-secrets';
import type { OutboundGuard } from '../../allowlist/outbound/outbound-guard';
import type { OutboundHttp } from '../../allowlist/outbound/outbound-http.port';
import { OutboundRefusedError, ProblemCode } from '../../common/problem/gateway-error';
import { SecretUnavailableError } from '../secret-resolution.error';
import type { SecretReading } from '../secret-source';
import type { OciVaultSettings } from '../../config/secrets.settings';
import {
  buildOciAuthentication,
  prepareOciAuthentication,
  type OciCommon,
} from './oci-authentication';
import { OciSignedHttpClient } from './oci-signed-http-client';
import { tokenRequestsOutsideGuard } from './oci-token-requests';
import { DirectVaultTransport } from './vault-transport';
import { checkVaultTarget } from './vault-outbound-policy';

/** `ocid1.vaultsecret.<realm>.<region>.<unique id>` */
const SECRET_OCID = /^ocid1\.vaultsecret\.[a-z0-9-]+\.[a-z0-9-]*\.[a-z0-9._-]+$/i;
/** Longest wait between the SDK's own attempts; the cache retries later anyway. */
const MAX_RETRY_DELAY_SECONDS = 2;

const logger = new Logger('OciVault');

export interface OciVaultReaderOptions {
  settings: OciVaultSettings;
  production: boolean;
  /** The gateway's `OUTBOUND_HTTP` when provided; otherwise DirectVaultTransport. */
  outbound?: OutboundHttp;
  /** The gateway's outbound allowlist guard, for the endpoint check before the first request. */
  guard?: OutboundGuard;
}

type Stage = import('oci-secrets').requests.GetSecretBundleRequest.Stage;

interface OpenClient {
  client: SecretsClient;
  /** GetSecretBundleRequest.Stage.Current, a runtime enum of the lazily loaded SDK. */
  stage: Stage;
  close(): void;
}

/**
 * Reads `oci-vault:` references with the OCI SDK's SecretsClient (GetSecretBundle, stage CURRENT).
 * The SDK, the authentication provider and the client are created on the first read only, so a
 * gateway without Vault references never loads them; a failed set-up is tried again on the next
 * read (a fixed config file or a late metadata service then works without a restart).
 */
export class OciVaultReader {
  private opening?: Promise<OpenClient>;
  private closed = false;

  constructor(private readonly options: OciVaultReaderOptions) {}

  async read(secretId: string): Promise<SecretReading> {
    if (!SECRET_OCID.test(secretId)) {
      throw new SecretUnavailableError('is not a secret OCID (ocid1.vaultsecret.…)');
    }
    const open = await this.open();
    let bundle;
    try {
      const response = await open.client.getSecretBundle({
        secretId,
        stage: open.stage,
      });
      bundle = response.secretBundle;
    } catch (error) {
      throw new SecretUnavailableError(describeFailure(error, open.client.endpoint));
    }
    const content = bundle.secretBundleContent;
    if (content?.contentType !== 'BASE64' || typeof content.content !== 'string') {
      throw new SecretUnavailableError(
        `has no BASE64 content (version ${bundle.versionNumber} is ${content?.contentType ?? 'empty'})`,
      );
    }
    return {
      value: Buffer.from(content.content, 'base64').toString('utf8'),
      version: String(bundle.versionNumber),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const opening = this.opening;
    this.opening = undefined;
    if (opening) (await opening.catch(() => undefined))?.close();
  }

  private open(): Promise<OpenClient> {
    if (this.closed) return Promise.reject(new SecretUnavailableError('cannot be read: shut down'));
    this.opening ??= this.create().catch((error: unknown) => {
      this.opening = undefined;
      throw error;
    });
    return this.opening;
  }

  private async create(): Promise<OpenClient> {
    const { settings, production } = this.options;
    const [oci, { SecretsClient, requests }] = await Promise.all([
      import('oci-common'),
      import('oci-secrets'),
    ]);
    const provider = await buildOciAuthentication(prepareOciAuthentication(settings, oci));
    const unguarded = tokenRequestsOutsideGuard(settings.auth);
    if (unguarded.length > 0) {
      // Said once, so an admin reading egress rules knows these do not come from the allowlist.
      logger.log(
        `OCI authentication ${settings.auth}: the OCI SDK fetches its tokens itself, outside the ` +
          `outbound allowlist, from ${[...new Set(unguarded.map((request) => request.url))].join(', ')}`,
      );
    }
    const transport =
      this.options.outbound ?? new DirectVaultTransport(production, settings.timeoutMs);
    // Only one of authenticationDetailsProvider and httpClient may be given; ours signs itself.
    const client = new SecretsClient(
      {
        httpClient: new OciSignedHttpClient(
          new oci.DefaultRequestSigner(provider),
          transport,
          settings.timeoutMs,
        ),
      },
      {
        retryConfiguration: retryConfiguration(oci, settings.maxAttempts),
        // Requests go through OciSignedHttpClient, which has no use for the SDK's breaker.
        circuitBreaker: new oci.CircuitBreaker({ disableClientCircuitBreaker: true }),
      },
    );
    const closeAll = () => {
      client.close();
      if (provider instanceof oci.AbstractRequestingAuthenticationDetailsProvider) {
        provider.closeProvider();
      }
      if (transport instanceof DirectVaultTransport) transport.close();
    };
    if (oci.isRegionProvider(provider) && provider.getRegion())
      client.region = provider.getRegion();
    if (settings.region) client.regionId = settings.region;
    if (settings.endpoint) client.endpoint = settings.endpoint.replace(/\/+$/, '');
    if (!client.endpoint) {
      closeAll();
      throw new SecretUnavailableError(
        `cannot be read: no Vault region (set secrets.ociVault.region or secrets.ociVault.endpoint)`,
      );
    }
    try {
      checkVaultTarget(new URL(client.endpoint), production, this.options.guard);
    } catch (error) {
      closeAll();
      throw new SecretUnavailableError(describeFailure(error, client.endpoint));
    }
    return { client, stage: requests.GetSecretBundleRequest.Stage.Current, close: closeAll };
  }
}

/**
 * The SDK's default would make 8 attempts with up to 30 s between them. One attempt (the SDK's
 * own NoRetryConfigurationDetails) or a few quick ones: the cache's next refresh is the retry.
 */
export function retryConfiguration(oci: OciCommon, maxAttempts: number): RetryConfiguration {
  if (maxAttempts <= 1) return oci.NoRetryConfigurationDetails;
  return {
    terminationStrategy: new oci.MaxAttemptsTerminationStrategy(maxAttempts),
    delayStrategy: new oci.ExponentialBackoffDelayStrategy(MAX_RETRY_DELAY_SECONDS),
  };
}

/** Why a read failed, from what the SDK throws: never the response body. */
function describeFailure(error: unknown, endpoint: string): string {
  if (error instanceof OutboundRefusedError) {
    return `cannot be read: refused by the outbound policy (${error.reason})`;
  }
  const failure = error as {
    statusCode?: unknown;
    serviceCode?: unknown;
    opcRequestId?: unknown;
    code?: unknown;
    message?: unknown;
  };
  if (typeof failure.statusCode === 'number' && failure.statusCode > 0) {
    const request =
      typeof failure.opcRequestId === 'string' ? `, opc-request-id ${failure.opcRequestId}` : '';
    const code = String(failure.serviceCode);
    if (failure.statusCode === 404) {
      return (
        `was not found, or the gateway's principal may not read it (${code}${request}); check ` +
        'the OCID and that a policy allows "read secret-bundles" on it'
      );
    }
    if (failure.statusCode === 401) {
      return `cannot be read: OCI Vault refused the request signature (${code}${request}); check the key, fingerprint and clock`;
    }
    return `cannot be read: OCI Vault answered ${failure.statusCode} ${code}${request}`;
  }
  // What the SDK's retrier throws for client-side failures is a plain object with code + message.
  if (failure.code === ProblemCode.OutboundRefused) {
    return `cannot be read: refused by the outbound policy (${String(failure.message)})`;
  }
  const code =
    typeof failure.code === 'string'
      ? failure.code
      : typeof failure.message === 'string'
        ? failure.message
        : 'network error';
  return `cannot be read: OCI Vault at ${endpoint} is unreachable (${code})`;
}
