import { Type } from 'class-transformer';
import {
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { VONAGE_MESSAGES_DEFAULT_TOLERANCE_SECONDS } from './vonage-messages.constants';

/** `vendors.vonage-messages` settings (`VENDOR_VONAGE_MESSAGES__<KEY>` in the environment). */
export class VonageMessagesSettings {
  /** The account's signature secret (dashboard → API settings): the token's HS256 key. */
  @IsString()
  @IsNotEmpty()
  signatureSecret!: string;

  /** How far the token's `iat` may be from the time of arrival. */
  @Type(() => Number)
  @IsInt()
  @Min(30)
  @Max(24 * 60 * 60)
  iatToleranceSeconds: number = VONAGE_MESSAGES_DEFAULT_TOLERANCE_SECONDS;

  /**
   * Sending with HTTP Basic: the account's API key (dashboard → API settings), an identifier.
   * Used when no `applicationId` and `privateKey` are set.
   */
  @IsOptional() @IsString() @IsNotEmpty() apiKey?: string;

  /** Sending with HTTP Basic: the API secret that goes with `apiKey`, from its secret reference. */
  @IsOptional() @IsString() @IsNotEmpty() apiSecret?: string;

  /** Sending with a JWT (preferred by Vonage): the Vonage application's id. */
  @IsOptional() @IsUUID() applicationId?: string;

  /**
   * Sending with a JWT: the application's RSA private key (PKCS #8 PEM, as the dashboard
   * downloads it), from its secret reference; `\n` escapes are read as line breaks.
   */
  @IsOptional()
  @Matches(/-----BEGIN PRIVATE KEY-----/, { message: 'must be a PKCS #8 PEM private key' })
  privateKey?: string;

  /** Sending: where the Messages API is; another value only for a stand-in. */
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false })
  apiBaseUrl = 'https://api.nexmo.com';
}
