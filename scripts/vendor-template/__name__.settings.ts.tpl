// @send-begin
import { IsNotEmpty, IsOptional, IsString, IsUrl } from 'class-validator';
// @send-else
import { IsNotEmpty, IsString } from 'class-validator';
// @send-end

/** `vendors.__name__` settings (`VENDOR___NAME____SIGNING_SECRET` in the environment). */
export class __Name__Settings {
  /** The webhook signing secret, from its secret reference (env:, file:, oci-vault:). */
  @IsString()
  @IsNotEmpty()
  signingSecret!: string;
  // @send-begin

  /** Sending: the API key, from its secret reference. Optional: inbound works without it. */
  @IsOptional() @IsString() @IsNotEmpty() apiKey?: string;

  /** Sending: where the send API is (TODO(vendor): its real default). */
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false })
  apiBaseUrl = 'https://api.__name__.example';
  // @send-end
}
