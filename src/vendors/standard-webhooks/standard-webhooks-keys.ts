import { createPublicKey, type KeyObject } from 'node:crypto';
import { PUBLIC_KEY_PREFIX, SECRET_PREFIX } from './standard-webhooks.constants';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ED25519_PUBLIC_KEY_BYTES = 32;

/** Strict base64: Buffer.from would silently skip stray characters and decode a different key. */
function strictBase64(value: string): Buffer | undefined {
  return value.length > 0 && BASE64.test(value) ? Buffer.from(value, 'base64') : undefined;
}

/**
 * The HMAC key of a `whsec_<base64>` secret (the prefix is optional, as in the reference
 * libraries). Undefined when it is not base64 or decodes to nothing.
 */
export function decodeSecret(secret: string): Buffer | undefined {
  const body = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = strictBase64(body);
  return key && key.length > 0 ? key : undefined;
}

/** The Ed25519 key of a `whpk_<base64 of 32 raw bytes>` public key; undefined when malformed. */
export function decodePublicKey(publicKey: string): KeyObject | undefined {
  if (!publicKey.startsWith(PUBLIC_KEY_PREFIX)) return undefined;
  const raw = strictBase64(publicKey.slice(PUBLIC_KEY_PREFIX.length));
  if (raw?.length !== ED25519_PUBLIC_KEY_BYTES) return undefined;
  try {
    return createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
      format: 'jwk',
    });
  } catch {
    return undefined;
  }
}
