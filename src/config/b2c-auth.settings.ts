import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { RequiredText, RequiredUrl } from './required-setting';

/**
 * How the gateway signs in to the Connect REST API, as Oracle documents it ("Authenticate and
 * Authorize", cxsvc): `basic` (staff account user name and password), `oauth` (a bearer token
 * from an identity domain, client-credentials grant) or `session` (`Authorization: Session <id>`).
 */
export const B2C_AUTH_MODES = ['basic', 'oauth', 'session'] as const;
export type B2cAuthMode = (typeof B2C_AUTH_MODES)[number];

const OAUTH_MODE = 'b2c.auth is oauth';

/** `b2c.oauth`: validated only when `b2c.auth` is `oauth`. */
export class B2cOAuthSettings {
  /** The identity domain's token endpoint, e.g. `https://idcs-….identity.oraclecloud.com/oauth2/v1/token`. */
  @RequiredUrl(OAUTH_MODE) tokenUrl?: string;
  @RequiredText(OAUTH_MODE) clientId?: string;
  /** A secret reference: `env:NAME`, `file:/path`, or the value itself. */
  @RequiredText(OAUTH_MODE) clientSecret?: string;
  /** Sent as `scope` when set (IDCS: the B2C resource's audience and scope). */
  @IsOptional() @IsString() @MinLength(1) scope?: string;
  /** A token is replaced this long before its `expires_in` runs out (less for short-lived ones). */
  @Type(() => Number) @IsInt() @Min(0) @Max(3600) refreshMarginSeconds = 60;
  @Type(() => Number) @IsInt() @Min(100) @Max(120_000) timeoutMs = 10_000;
}

/**
 * On `B2cConfig.auth`: the embedded emulator knows only the Basic credentials the gateway makes
 * up for it, so `oauth` and `session` need a configured site.
 */
export function B2cAuthNeedsSite(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'b2cAuthNeedsSite',
      validator: {
        validate: (value: unknown, args) =>
          value === 'basic' || (args?.object as { url?: string }).url !== undefined,
        defaultMessage: () =>
          'oauth and session need b2c.url (B2C_URL): the embedded emulator accepts only basic',
      },
    },
    options,
  );
}
