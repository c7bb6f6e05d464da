import { Inject, Injectable, Logger, type OnModuleDestroy, Optional } from '@nestjs/common';
import { OUTBOUND_HTTP, type OutboundHttp } from '../allowlist/outbound/outbound-http.port';
import { OutboundGuard } from '../allowlist/outbound/outbound-guard';
import { ENVIRONMENT } from '../config/config.tokens';
import { GatewayConfig } from '../config/gateway-config';
import type { Environment } from '../config/load-config';
import { OciVaultReader } from './oci-vault/oci-vault-reader';
import { SecretCache } from './secret-cache';
import type { SecretHandle, SecretsStatus } from './secret-handle';
import type { SecretReference } from './reference/secret-reference';
import { readLocalSecret, type SecretReading } from './secret-source';

export { SecretResolutionError } from './secret-resolution.error';

/**
 * Turns secret references from the configuration (`env:NAME`, `file:/path`,
 * `oci-vault:<secret OCID>`, or a literal) into values, keeps them cached and reads them again in
 * the background every `secrets.ttlMs`. See SecretHandle for how callers see rotations.
 */
@Injectable()
export class SecretsService implements OnModuleDestroy {
  private readonly logger = new Logger('Secrets');
  private readonly cache: SecretCache;
  private vault?: OciVaultReader;

  constructor(
    @Inject(ENVIRONMENT) private readonly env: Environment,
    private readonly config: GatewayConfig,
    @Optional() @Inject(OUTBOUND_HTTP) private readonly outbound?: OutboundHttp,
    @Optional() private readonly guard?: OutboundGuard,
  ) {
    const { ttlMs, retryAfterFailureMs, rotationOverlapMs } = config.secrets;
    this.cache = new SecretCache({
      ttlMs,
      retryAfterFailureMs,
      rotationOverlapMs,
      read: (reference) => this.read(reference),
      logger: this.logger,
    });
  }

  /**
   * The value now (cached after the first read). For callers that read a secret once; a caller
   * that must see rotations uses `watch`. `setting` names the configuration key for errors.
   * Throws SecretResolutionError (setting, reference and reason; never the value).
   */
  resolve(setting: string, reference: string): Promise<string> {
    return this.cache.resolve(setting, reference);
  }

  /** A live handle on the secret; fails like `resolve` when it cannot be read the first time. */
  watch(setting: string, reference: string): Promise<SecretHandle> {
    return this.cache.watch(setting, reference);
  }

  /** For readiness: whether every secret has a value, and which ones currently fail to refresh. */
  status(): SecretsStatus {
    return this.cache.status();
  }

  /** Reads every cached secret again now, without waiting for its timer. */
  refreshAll(): Promise<void> {
    return this.cache.refreshAll();
  }

  async onModuleDestroy(): Promise<void> {
    this.cache.stop();
    await this.vault?.close();
  }

  private read(reference: SecretReference): Promise<SecretReading> {
    if (reference.kind !== 'oci-vault') return readLocalSecret(this.env, reference);
    this.vault ??= new OciVaultReader({
      settings: this.config.secrets.ociVault,
      production: this.config.nodeEnv === 'production',
      outbound: this.outbound,
      guard: this.guard,
    });
    return this.vault.read(reference.secretId);
  }
}
