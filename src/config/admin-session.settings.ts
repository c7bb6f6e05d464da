import 'reflect-metadata';
import { Transform } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayContains,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  isURL,
  Max,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { RequiredText, RequiredUrl } from './required-setting';

/** The path the identity domain sends the browser back to; the redirect URL must end with it. */
export const OIDC_CALLBACK_PATH = '/admin/oidc/callback';

const OIDC_CONFIGURED = 'admin.mode is jwt and admin.oidc is configured';

/** `a b,c` from the environment or a YAML list. */
function scopeList({ value }: { value: unknown }): unknown {
  return typeof value === 'string' ? value.split(/[\s,]+/).filter((scope) => scope !== '') : value;
}

/**
 * `admin.oidc`: the console's sign-in through the identity domain (authorization code + PKCE),
 * validated only in `jwt` mode. It counts as configured as soon as one of issuer, client id,
 * client secret or redirect URL is set; then issuer, client id and redirect URL are all required
 * (and `admin.sessionSecret`), so a half-written configuration stops the start instead of leaving
 * a sign-in button that can only fail.
 */
export class AdminOidcSettings {
  /**
   * The identity domain's URL; discovery is read at `<issuer>/.well-known/openid-configuration`
   * through the outbound allowlist. IDCS: `https://idcs-….identity.oraclecloud.com`.
   */
  @ValidateIf(oidcConfigured)
  @RequiredUrl(OIDC_CONFIGURED)
  issuer?: string;
  /** The console's application (client) id in the identity domain; the id token's audience. */
  @ValidateIf(oidcConfigured)
  @RequiredText(OIDC_CONFIGURED)
  clientId?: string;
  /** A secret reference; absent: a public client (PKCE only), else `client_secret_basic`. */
  @IsOptional() @IsString() @MinLength(1) clientSecret?: string;
  /** Absolute URL of this gateway's `/admin/oidc/callback`, registered with the client. */
  @ValidateIf(oidcConfigured)
  @RequiredCallbackUrl()
  redirectUrl?: string;
  @Transform(scopeList)
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @ArrayContains(['openid'], { message: 'must include openid' })
  scopes: string[] = ['openid'];
}

/** An http(s) URL without query or fragment whose path ends in `/admin/oidc/callback`. */
function RequiredCallbackUrl(): PropertyDecorator {
  return ValidateBy({
    name: 'requiredCallbackUrl',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' &&
        isURL(value, {
          protocols: ['http', 'https'],
          require_tld: false,
          require_protocol: true,
        }) &&
        /^[^?#]*\/admin\/oidc\/callback$/.test(value),
      defaultMessage: (args) =>
        args?.value === undefined
          ? `is required when ${OIDC_CONFIGURED}`
          : `must be an absolute http(s) URL ending in ${OIDC_CALLBACK_PATH}`,
    },
  });
}

/** Whether the console's OIDC sign-in is configured (see `AdminOidcSettings`). */
export function oidcConfigured(oidc: AdminOidcSettings): boolean {
  return [oidc.issuer, oidc.clientId, oidc.clientSecret, oidc.redirectUrl].some(
    (value) => value !== undefined,
  );
}

/** The parts of `AdminSettings` the session checks read (kept here to avoid an import cycle). */
interface SessionOwner {
  mode?: string;
  oidc?: AdminOidcSettings;
}

/**
 * On `AdminSettings.sessionSecret`: required (a secret reference) when jwt mode signs in through
 * OIDC; its value's length (at least 32 characters) is checked once it is read, at start.
 */
export function RequiredWhenOidc(): PropertyDecorator {
  return ValidateBy({
    name: 'requiredWhenOidc',
    validator: {
      validate: (value: unknown, args) => {
        const owner = args?.object as SessionOwner;
        const needed =
          owner.mode === 'jwt' && owner.oidc !== undefined && oidcConfigured(owner.oidc);
        if (value === undefined) return !needed;
        return typeof value === 'string' && value.length > 0;
      },
      defaultMessage: (args) =>
        args?.value === undefined
          ? `is required when ${OIDC_CONFIGURED}`
          : 'must be a non-empty string',
    },
  });
}

/** Session lifetime bounds: short by default, never beyond a working day. */
export const SESSION_TTL_DEFAULT_SECONDS = 900;
export const SESSION_TTL_MAX_SECONDS = 8 * 60 * 60;

/** Decorators of `AdminSettings.sessionTtlSeconds`. */
export function SessionTtl(): PropertyDecorator {
  return (target, key) => {
    IsInt()(target, key);
    Min(60)(target, key);
    Max(SESSION_TTL_MAX_SECONDS)(target, key);
  };
}
