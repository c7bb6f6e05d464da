import { hkdfSync } from 'node:crypto';

/** What a derived key is for: the session cookie, or the OIDC state cookie. */
export type KeyPurpose = 'session' | 'oidc-state';

const SALT = 'b2c-webhook-gateway admin console';

/**
 * A 256-bit key for `dir`/`A256GCM` derived with HKDF-SHA256 from a configured secret (the admin
 * token, or `admin.sessionSecret`). Every process with the same secret derives the same key, so
 * sessions need no shared store; a new secret makes every sealed cookie unreadable.
 */
export function deriveKey(secret: string, purpose: KeyPurpose): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, SALT, `gw_admin ${purpose} v1`, 32));
}

/** Derived keys by purpose and secret; a handful at most (current and previous secret). */
export class DerivedKeys {
  private readonly keys = new Map<string, Uint8Array>();

  get(secret: string, purpose: KeyPurpose): Uint8Array {
    const id = `${purpose}\u0000${secret}`;
    let key = this.keys.get(id);
    if (!key) {
      if (this.keys.size >= 8) this.keys.clear();
      key = deriveKey(secret, purpose);
      this.keys.set(id, key);
    }
    return key;
  }
}
