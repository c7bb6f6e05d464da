import { IsIn, IsNotEmpty, IsString } from 'class-validator';
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
}
