import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
} from 'class-validator';
import {
  SINCH_DEFAULT_REGION,
  SINCH_DEFAULT_TOLERANCE_SECONDS,
  SINCH_REGIONS,
} from './sinch.constants';

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

  /**
   * The SMS service plan that sends agents' replies (dashboard: SMS → APIs → REST). Optional:
   * a gateway that only receives texts runs without it.
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,100}$/, { message: 'servicePlanId must be a Sinch service plan id' })
  servicePlanId?: string;

  /** The service plan's API token, a secret reference. Optional like `servicePlanId`. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  apiToken?: string;

  /** The region the service plan was created in: it picks the API host. */
  @IsIn(SINCH_REGIONS)
  region: string = SINCH_DEFAULT_REGION;

  /** Overrides the region's API origin; only for demos against a stand-in. */
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  apiBaseUrl?: string;
}
