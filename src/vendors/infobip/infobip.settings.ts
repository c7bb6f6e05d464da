import { IsNotEmpty, IsOptional, IsString, ValidateIf } from 'class-validator';

/**
 * `vendors.infobip` settings. Infobip signs nothing by default: either the subscription sends
 * Basic credentials (`VENDOR_INFOBIP__USERNAME`, `VENDOR_INFOBIP__PASSWORD`), or none are set
 * and `vendors.infobip.allowedSources` must list Infobip's addresses (otherwise every request
 * is refused).
 */
export class InfobipSettings {
  /** Required when a password is set. */
  @ValidateIf(
    (settings: InfobipSettings) =>
      settings.password !== undefined || settings.username !== undefined,
  )
  @IsString()
  @IsNotEmpty()
  username?: string;

  /** Secret reference; required when a username is set. */
  @ValidateIf(
    (settings: InfobipSettings) =>
      settings.username !== undefined || settings.password !== undefined,
  )
  @IsString()
  @IsNotEmpty()
  password?: string;

  /** The password being replaced, accepted too while the subscription is switched over. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  previousPassword?: string;
}
