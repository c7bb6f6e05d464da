import { IsNotEmpty, IsOptional, IsString, IsUrl, ValidateIf } from 'class-validator';

/**
 * `vendors.infobip` settings. Infobip signs nothing by default: either the subscription sends
 * Basic credentials (`VENDOR_INFOBIP__USERNAME`, `VENDOR_INFOBIP__PASSWORD`), or none are set
 * and `vendors.infobip.allowedSources` must list Infobip's addresses (otherwise every request
 * is refused).
 *
 * Sending replies needs `apiBaseUrl` and `apiKey` too; both are optional so that a gateway that
 * only receives starts without them.
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

  /**
   * The account's own API base URL (web interface → Developers → API keys), e.g.
   * `https://xxxxx.api.infobip.com`. Infobip gives each account its own host, so there is no
   * default.
   */
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false })
  apiBaseUrl?: string;

  /** Secret reference to an API key allowed to send SMS (`Authorization: App <key>`). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  apiKey?: string;
}
