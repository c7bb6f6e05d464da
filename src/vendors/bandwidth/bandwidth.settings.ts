import { IsNotEmpty, IsOptional, IsString } from 'class-validator';

/**
 * `vendors.bandwidth` settings: the Basic credentials set on the Bandwidth messaging
 * application's callback (`VENDOR_BANDWIDTH__USERNAME`, `VENDOR_BANDWIDTH__PASSWORD`).
 */
export class BandwidthSettings {
  @IsString()
  @IsNotEmpty()
  username!: string;

  /** Secret reference to the callback password. */
  @IsString()
  @IsNotEmpty()
  password!: string;

  /** The password being replaced, accepted too while the application is switched over. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  previousPassword?: string;
}
