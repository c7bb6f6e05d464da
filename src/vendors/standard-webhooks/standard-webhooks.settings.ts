import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches, ValidateBy, ValidateIf } from 'class-validator';
import { decodePublicKey, decodeSecret } from './standard-webhooks-keys';
import {
  DEFAULT_FROM_POINTER,
  DEFAULT_TEXT_POINTER,
  DEFAULT_TO_POINTER,
} from './standard-webhooks.constants';

/** RFC 6901: '' (the whole document) or '/'-separated tokens where '~' only starts ~0 or ~1. */
const JSON_POINTER = /^(?:\/(?:[^~/]|~[01])*)*$/;

/**
 * Messages never quote the value: a secret must not reach logs or start-up errors. Undefined
 * passes, so a missing setting is reported once, by the rule that requires it.
 */
function IsDecodable(decode: (value: string) => unknown, what: string) {
  return ValidateBy({
    name: 'isDecodable',
    validator: {
      validate: (value: unknown) =>
        value === undefined || (typeof value === 'string' && decode(value) !== undefined),
      defaultMessage: () => what,
    },
  });
}

/**
 * `vendors.standard-webhooks` settings (`VENDOR_STANDARD_WEBHOOKS__SECRET`, `__PUBLIC_KEY`,
 * `__FROM_POINTER`, ...). At least one of `secret` and `publicKey`; with both, a request
 * signed either way is accepted.
 */
export class StandardWebhooksSettings {
  /** `whsec_<base64>` for `v1` (HMAC-SHA256) signatures, from its secret reference. */
  @ValidateIf((settings: StandardWebhooksSettings) => settings.publicKey === undefined)
  @IsString({ message: 'secret is required unless publicKey is set' })
  @IsDecodable(decodeSecret, 'secret must be whsec_ followed by base64')
  secret?: string;

  /** `whpk_<base64 of the 32-byte Ed25519 public key>` for `v1a` signatures. Not a secret. */
  @IsOptional()
  @IsDecodable(decodePublicKey, 'publicKey must be whpk_ followed by a base64 Ed25519 public key')
  publicKey?: string;

  /** JSON Pointer to the sender's phone number (E.164, or digits with `+` missing: refused). */
  @IsString()
  @Matches(JSON_POINTER, { message: 'fromPointer must be a JSON Pointer such as /data/from' })
  fromPointer: string = DEFAULT_FROM_POINTER;

  /** JSON Pointer to the recipient (kept as sent when it is not a phone number). */
  @IsString()
  @Matches(JSON_POINTER, { message: 'toPointer must be a JSON Pointer such as /data/to' })
  toPointer: string = DEFAULT_TO_POINTER;

  /** JSON Pointer to the message text (absent: empty text). */
  @IsString()
  @Matches(JSON_POINTER, { message: 'textPointer must be a JSON Pointer such as /data/text' })
  textPointer: string = DEFAULT_TEXT_POINTER;

  /**
   * Event types (the payload's top-level `type`, as the spec recommends) that carry a message,
   * comma-separated in the environment. Other events are acknowledged and not stored. Unset:
   * every event is a message.
   */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((type) => type.trim())
          .filter(Boolean)
      : value,
  )
  @IsString({ each: true })
  messageTypes?: string[];
}
