import { IsNotEmpty, IsOptional, IsString, IsUrl, Matches } from 'class-validator';
import { BANDWIDTH_API_BASE_URL } from './bandwidth.constants';

/**
 * `vendors.bandwidth` settings: the Basic credentials set on the Bandwidth messaging
 * application's callback (`VENDOR_BANDWIDTH__USERNAME`, `VENDOR_BANDWIDTH__PASSWORD`), and the
 * optional API user that sends agents' replies.
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

  /** The Bandwidth account id in the send URL. Optional: only replies need the send settings. */
  @IsOptional()
  @Matches(/^[0-9]{1,20}$/, { message: 'accountId must be a Bandwidth account id (digits)' })
  accountId?: string;

  /** The messaging application the `from` numbers belong to (its callbacks bring receipts). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  applicationId?: string;

  /** The API user (Basic auth) that sends; not the callback credentials above. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  apiUsername?: string;

  /** Secret reference to the API user's password. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  apiPassword?: string;

  /** Where the Messaging API is; another origin only for demos against a stand-in. */
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  apiBaseUrl: string = BANDWIDTH_API_BASE_URL;
}
