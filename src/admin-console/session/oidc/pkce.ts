import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, base64url: a state, a nonce, or a PKCE code verifier (43 characters). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))). */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
