import { IsNotEmpty, IsString } from 'class-validator';

/** `vendors.__name__` settings (`VENDOR___NAME____SIGNING_SECRET` in the environment). */
export class __Name__Settings {
  /** The webhook signing secret, from its secret reference (env:, file:, oci-vault:). */
  @IsString()
  @IsNotEmpty()
  signingSecret!: string;
}
