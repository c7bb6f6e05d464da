import { IsNotEmpty, IsString } from 'class-validator';

/** `vendors.twilio` settings. */
export class TwilioSettings {
  /** The account's auth token (or a secondary token), resolved from its secret reference. */
  @IsString()
  @IsNotEmpty()
  authToken!: string;
}
