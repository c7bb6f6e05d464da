import { IsNotEmpty, IsOptional, IsString, IsUrl } from 'class-validator';

/** Where MessageBird's (legacy) REST API is. */
export const MESSAGEBIRD_API_BASE_URL = 'https://rest.messagebird.com';

/**
 * `vendors.messagebird` settings (`VENDOR_MESSAGEBIRD__SIGNING_KEY` in the environment).
 * Sending replies needs `accessKey` too; it is optional so that a gateway that only receives
 * starts without it.
 */
export class MessagebirdSettings {
  /**
   * The account's webhook signing key (Dashboard → Developers → API settings), from its secret
   * reference. Used as UTF-8 bytes, as MessageBird's SDKs do.
   */
  @IsString()
  @IsNotEmpty()
  signingKey!: string;

  /** Secret reference to a live API access key (`Authorization: AccessKey <key>`). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  accessKey?: string;

  /** MessageBird's REST API; another base only for demos against a stand-in. */
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false })
  apiBaseUrl?: string = MESSAGEBIRD_API_BASE_URL;
}
