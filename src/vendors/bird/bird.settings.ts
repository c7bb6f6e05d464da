import { IsNotEmpty, IsOptional, IsString, IsUrl, Matches } from 'class-validator';

/** Where Bird's Channels API is. */
export const BIRD_API_BASE_URL = 'https://api.bird.com';

/** Bird's workspace and channel ids are UUIDs; checked to be safe inside a URL path. */
const BIRD_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

/**
 * `vendors.bird` settings (`VENDOR_BIRD__SIGNING_KEY` in the environment). Sending replies
 * (Channels API) needs `accessKey`, `workspaceId` and `channelId` too; they are optional so that
 * a gateway that only receives starts without them.
 */
export class BirdSettings {
  /** The webhook subscription's `signingKey`, from its secret reference; used as UTF-8 bytes. */
  @IsString()
  @IsNotEmpty()
  signingKey!: string;

  /** Secret reference to an access key allowed to send on the channel (`AccessKey <key>`). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  accessKey?: string;

  /** The workspace (a UUID) that holds the SMS channel. */
  @IsOptional()
  @Matches(BIRD_ID, { message: 'workspaceId must be a Bird id (a UUID)' })
  workspaceId?: string;

  /**
   * The SMS channel replies go out on, unless the customer's text named its channel (Bird
   * reports the receiving channel's id where it omits the number, and the reply then goes back
   * through that channel).
   */
  @IsOptional()
  @Matches(BIRD_ID, { message: 'channelId must be a Bird id (a UUID)' })
  channelId?: string;

  /** Bird's API; another base only for demos against a stand-in. */
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false })
  apiBaseUrl?: string = BIRD_API_BASE_URL;
}
