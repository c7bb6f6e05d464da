import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';
import { SINCH_DEFAULT_TOLERANCE_SECONDS } from './sinch.constants';

/** `vendors.sinch` settings (`VENDOR_SINCH__<KEY>` in the environment). */
export class SinchSettings {
  /** The callback (webhook) secret of the app or SMS service plan, from its secret reference. */
  @IsString()
  @IsNotEmpty()
  webhookSecret!: string;

  /** How far the signed timestamp may be from the time of arrival. */
  @Type(() => Number)
  @IsInt()
  @Min(30)
  @Max(3600)
  timestampToleranceSeconds: number = SINCH_DEFAULT_TOLERANCE_SECONDS;
}
