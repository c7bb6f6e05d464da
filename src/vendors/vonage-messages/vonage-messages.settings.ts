import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';
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
}
