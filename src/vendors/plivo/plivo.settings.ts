import { IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, Matches } from 'class-validator';
import { PLIVO_SIGNATURE_VERSIONS, type PlivoSignatureVersion } from './plivo.constants';

/** `vendors.plivo` settings (`VENDOR_PLIVO__<KEY>` in the environment). */
export class PlivoSettings {
  /** The account's (or subaccount's) auth token, from its secret reference. */
  @IsString()
  @IsNotEmpty()
  authToken!: string;

  /**
   * `v3` (default) signs URL, body and nonce. `v2` signs only the URL without its query and the
   * nonce, so the body is unauthenticated: use it only for applications still on V2.
   */
  @IsIn(PLIVO_SIGNATURE_VERSIONS)
  signatureVersion: PlivoSignatureVersion = 'v3';

  /** Sending: the Auth ID (`MA...` or `SA...`) whose auth token is `authToken`. */
  @IsOptional()
  @Matches(/^[MS]A[A-Z0-9]{18}$/, { message: 'must be a Plivo Auth ID (MA or SA + 18 characters)' })
  authId?: string;

  /** Sending, optional: the status callback URL (`url`) for delivery reports. */
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false })
  statusCallbackUrl?: string;

  /** Sending: where the REST API is; another value only for a stand-in. */
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false })
  apiBaseUrl = 'https://api.plivo.com';
}
