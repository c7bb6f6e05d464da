import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

/** How the gateway proves who it is to OCI; each maps to one `oci-common` provider. */
export const OCI_AUTH_METHODS = [
  'config-file',
  'instance-principal',
  'resource-principal',
  'oke-workload-identity',
] as const;
export type OciAuthMethod = (typeof OCI_AUTH_METHODS)[number];

/** `secrets.ociVault`: used only when some setting holds an `oci-vault:` reference. */
export class OciVaultSettings {
  @IsIn(OCI_AUTH_METHODS) auth: OciAuthMethod = 'config-file';
  /** `config-file` only: the OCI CLI/SDK configuration file (`~` is expanded) and its profile. */
  @IsString() @MinLength(1) configFile = '~/.oci/config';
  @IsString() @MinLength(1) profile = 'DEFAULT';
  /**
   * Region id (e.g. `eu-frankfurt-1`) when the authentication gives none or another one should
   * be used; the Secrets endpoint is derived from it.
   */
  @IsOptional()
  @Matches(/^[a-z]+(-[a-z0-9]+)+$/, { message: 'must be a region id such as eu-frankfurt-1' })
  region?: string;
  /** Secrets service origin, overriding the region's (e.g. a private endpoint or the emulator). */
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  endpoint?: string;
  /** Per Vault request. */
  @IsInt() @Min(100) @Max(120_000) timeoutMs = 10_000;
  /**
   * Attempts per read, including the first. The background refresh already retries, so the SDK's
   * own default (8 attempts with up to 30 s between them) would only delay a failure report.
   */
  @IsInt() @Min(1) @Max(8) maxAttempts = 2;
  /** `oke-workload-identity` only: overrides of the service account files the SDK reads. */
  @IsOptional() @IsString() @MinLength(1) okeServiceAccountCertPath?: string;
  @IsOptional() @IsString() @MinLength(1) okeServiceAccountTokenPath?: string;
}

/** `secrets` in the gateway configuration: how resolved secrets are cached and refreshed. */
export class SecretsConfig {
  /** A resolved secret is read again in the background this often (its cache lifetime). */
  @IsInt() @Min(100) @Max(24 * 60 * 60 * 1000) ttlMs = 5 * 60 * 1000;
  /** After a failed refresh the next attempt comes this soon (capped at `ttlMs`). */
  @IsInt() @Min(100) retryAfterFailureMs = 30_000;
  /**
   * After a rotation (a new value was read), the previous value stays accepted this long by
   * callers that check `SecretHandle.acceptedValues()`, e.g. vendor signature verification.
   */
  @IsInt() @Min(0) @Max(7 * 24 * 60 * 60 * 1000) rotationOverlapMs = 15 * 60 * 1000;
  @ValidateNested() @Type(() => OciVaultSettings) ociVault = new OciVaultSettings();
}
