import { IsNotEmpty, IsString } from 'class-validator';

/** `vendors.bird` settings (`VENDOR_BIRD__SIGNING_KEY` in the environment). */
export class BirdSettings {
  /** The webhook subscription's `signingKey`, from its secret reference; used as UTF-8 bytes. */
  @IsString()
  @IsNotEmpty()
  signingKey!: string;
}
