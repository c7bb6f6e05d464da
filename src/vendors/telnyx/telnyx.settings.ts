import { IsNotEmpty, IsOptional, IsString, IsUrl, Matches } from 'class-validator';
import { TELNYX_API_BASE_URL } from './telnyx.constants';

/** `vendors.telnyx` settings (`VENDOR_TELNYX__PUBLIC_KEY` in the environment). */
export class TelnyxSettings {
  /**
   * The account's webhook public key from Mission Control (Keys & Credentials → Public Key):
   * base64 of the 32 raw Ed25519 key bytes. Public, so not a secret reference.
   */
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'publicKey must be base64 of 32 bytes' })
  publicKey!: string;

  /**
   * API key (v2) that sends agents' replies (`VENDOR_TELNYX__API_KEY`), a secret reference.
   * Optional: a gateway that only receives texts runs without it.
   */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  apiKey?: string;

  /** Where the Messaging API is; another origin only for demos against a stand-in. */
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  apiBaseUrl: string = TELNYX_API_BASE_URL;
}
