import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';
import {
  VONAGE_SMS_DEFAULT_TOLERANCE_SECONDS,
  VONAGE_SMS_MAX_TOLERANCE_SECONDS,
  VONAGE_SMS_SIGNATURE_METHODS,
  type VonageSmsSignatureMethod,
} from './vonage-sms.constants';

/** `vendors.vonage-sms` settings (`VENDOR_VONAGE_SMS__<KEY>` in the environment). */
export class VonageSmsSettings {
  /** The account's signature secret (dashboard → API settings), from its secret reference. */
  @IsString()
  @IsNotEmpty()
  signatureSecret!: string;

  /** Must equal the method chosen in the dashboard; never guessed from the signature. */
  @IsIn(VONAGE_SMS_SIGNATURE_METHODS)
  signatureMethod: VonageSmsSignatureMethod = 'md5hash';

  /**
   * How far the signed `timestamp` may be from the time of arrival. Raise it if retries after a
   * long gateway outage must be accepted: Vonage dates a message when it first pushes it.
   */
  @Type(() => Number)
  @IsInt()
  @Min(30)
  @Max(VONAGE_SMS_MAX_TOLERANCE_SECONDS)
  timestampToleranceSeconds: number = VONAGE_SMS_DEFAULT_TOLERANCE_SECONDS;
}
