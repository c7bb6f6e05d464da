import { Matches } from 'class-validator';

/** `vendors.telnyx` settings (`VENDOR_TELNYX__PUBLIC_KEY` in the environment). */
export class TelnyxSettings {
  /**
   * The account's webhook public key from Mission Control (Keys & Credentials → Public Key):
   * base64 of the 32 raw Ed25519 key bytes. Public, so not a secret reference.
   */
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'publicKey must be base64 of 32 bytes' })
  publicKey!: string;
}
