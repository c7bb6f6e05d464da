import { IsNotEmpty, IsString } from 'class-validator';

/** `vendors.twilio-voice` settings (`VENDOR_TWILIO_VOICE__AUTH_TOKEN` in the environment). */
export class TwilioVoiceSettings {
  /** The account's auth token, from its secret reference; the same token Twilio SMS uses. */
  @IsString()
  @IsNotEmpty()
  authToken!: string;
}
