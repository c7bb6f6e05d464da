import { IsNotEmpty, IsString } from 'class-validator';

/** `vendors.messagebird` settings (`VENDOR_MESSAGEBIRD__SIGNING_KEY` in the environment). */
export class MessagebirdSettings {
  /**
   * The account's webhook signing key (Dashboard → Developers → API settings), from its secret
   * reference. Used as UTF-8 bytes, as MessageBird's SDKs do.
   */
  @IsString()
  @IsNotEmpty()
  signingKey!: string;
}
