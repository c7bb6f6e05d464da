import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { RequiredText, RequiredUrl } from './required-setting';
import {
  AdminOidcSettings,
  RequiredWhenOidc,
  SESSION_TTL_DEFAULT_SECONDS,
  SessionTtl,
} from './admin-session.settings';

/**
 * `jwt`: bearer JWTs from an identity domain (OCI IAM / IDCS), checked against its JWKS.
 * `token`: one static bearer token, for small installs. `disabled`: every admin route answers 401.
 */
export const ADMIN_MODES = ['jwt', 'token', 'disabled'] as const;
export type AdminMode = (typeof ADMIN_MODES)[number];

/**
 * Signature algorithms an operator may allow. Only asymmetric ones: with HS* anyone holding the
 * (public) verification key could mint tokens, and `none` has no signature at all.
 */
export const ADMIN_JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

const JWT_MODE = 'admin.mode is jwt';

/** `a,b` from the environment becomes a list; a list from the YAML file stays one. */
function commaList({ value }: { value: unknown }): unknown {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
    : value;
}

/** `admin.jwt`: validated only when `admin.mode` is `jwt`. */
export class AdminJwtSettings {
  /**
   * The identity domain's JWKS, e.g. `https://idcs-….identity.oraclecloud.com/admin/v1/SigningCert/jwk`
   * (the domain must allow "Access signing certificate" for it to answer without a client
   * login). Fetched through the outbound allowlist, which must list it.
   */
  @RequiredUrl(JWT_MODE) jwksUrl?: string;
  /** Exact `iss`, e.g. `https://identity.oraclecloud.com/`. */
  @RequiredText(JWT_MODE) issuer?: string;
  /** A value the token's `aud` must hold (IDCS: the resource app's primary audience). */
  @RequiredText(JWT_MODE) audience?: string;
  @Transform(commaList)
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(ADMIN_JWT_ALGORITHMS, {
    each: true,
    message: `must list only ${ADMIN_JWT_ALGORITHMS.join(', ')} (never none or HS*)`,
  })
  algorithms: string[] = ['RS256'];
  /** Allowed clock difference for `exp`, `nbf` and `iat`. */
  @IsInt() @Min(0) @Max(300) clockToleranceSeconds = 30;
  /** When set, the token's `scope` (space separated) or `scp` must contain it. */
  @IsOptional() @IsString() @MinLength(1) requiredScope?: string;
  /** The key set is fetched again after this long, even without an unknown `kid`. */
  @IsInt() @Min(1000) jwksMaxAgeMs = 10 * 60 * 1000;
  /**
   * Least time between two fetches caused by unknown `kid`s, so a flood of tokens with made-up
   * key ids cannot turn the gateway into a JWKS hammer. A rotation is seen at most this late.
   */
  @IsInt() @Min(0) jwksRefreshCooldownMs = 30_000;
  /**
   * How long the JWKS may stay silent while connecting and until its answer starts (jose's
   * `timeoutDuration`); the key set is then unavailable until the next try.
   */
  @IsInt() @Min(100) @Max(60_000) jwksTimeoutMs = 5000;
}

/** `admin` in the gateway configuration: who may call `/admin/*`, detailed health and metrics. */
export class AdminSettings {
  /** Required in production (a forgotten setting must not silently close or open admin routes); `disabled` elsewhere. */
  @IsOptional() @IsIn(ADMIN_MODES) mode?: AdminMode;
  @ValidateIf((settings: AdminSettings) => settings.mode === 'jwt')
  @ValidateNested()
  @Type(() => AdminJwtSettings)
  jwt = new AdminJwtSettings();
  /** `token` mode: a secret reference (`env:NAME`, `file:/path`, or the value itself). */
  @ValidateIf((settings: AdminSettings) => settings.mode === 'token')
  @RequiredText('admin.mode is token')
  token?: string;
  /** The console's sign-in through the identity domain (jwt mode); see `AdminOidcSettings`. */
  @ValidateIf((settings: AdminSettings) => settings.mode === 'jwt')
  @ValidateNested()
  @Type(() => AdminOidcSettings)
  oidc = new AdminOidcSettings();
  /**
   * jwt mode with OIDC: a secret reference (32+ characters) to the key of the console's session
   * cookies. Token mode derives that key from `admin.token` instead.
   */
  @RequiredWhenOidc() sessionSecret?: string;
  /** Lifetime of a console session (cookie), seconds. */
  @SessionTtl() sessionTtlSeconds = SESSION_TTL_DEFAULT_SECONDS;
}

/** The mode in force: an unset mode means `disabled` (closed) outside production. */
export function effectiveAdminMode(settings: AdminSettings): AdminMode {
  return settings.mode ?? 'disabled';
}
