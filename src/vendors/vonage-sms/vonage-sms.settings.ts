import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
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

  /** Sending: the account's API key (dashboard → API settings); an identifier, not a secret. */
  @IsOptional() @IsString() @IsNotEmpty() apiKey?: string;

  /** Sending: the API secret that goes with `apiKey`, from its secret reference. */
  @IsOptional() @IsString() @IsNotEmpty() apiSecret?: string;

  /** Sending: where the SMS API is; another value only for a stand-in. */
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false })
  apiBaseUrl = 'https://rest.nexmo.com';
}
