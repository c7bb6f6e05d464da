import { IsNotEmpty, IsOptional, IsString, IsUrl, Matches } from 'class-validator';

/** `vendors.twilio` settings. */
export class TwilioSettings {
  /** The account's auth token (or a secondary token), resolved from its secret reference. */
  @IsString()
  @IsNotEmpty()
  authToken!: string;

  /** Sending: the Account SID (`AC` + 32 hex digits) the Messages resource belongs to. */
  @IsOptional()
  @Matches(/^AC[0-9a-fA-F]{32}$/, { message: 'must be an Account SID (AC + 32 hex digits)' })
  accountSid?: string;

  /**
   * Sending, optional: an API key (`SK...`) and its secret to authenticate with instead of the
   * auth token (Twilio recommends keys for the REST API; they can be revoked one by one).
   */
  @IsOptional()
  @Matches(/^SK[0-9a-fA-F]{32}$/, { message: 'must be an API key SID (SK + 32 hex digits)' })
  apiKeySid?: string;

  @IsOptional() @IsString() @IsNotEmpty() apiKeySecret?: string;

  /** Sending: where the REST API is; another value only for a stand-in or a regional edge. */
  // http passes here for local demos; the outbound allowlist refuses it outside development.
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  apiBaseUrl = 'https://api.twilio.com';

  /** Sending, optional: the StatusCallback URL for delivery receipts (this gateway's webhook). */
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false })
  statusCallbackUrl?: string;
}
