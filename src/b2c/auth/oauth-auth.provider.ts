import type { B2cAuthProvider } from './b2c-auth-provider.port';
import type { OAuthTokenSource } from './oauth-token-source';

const BEARER = 'Bearer ';

/** `oauth`: `Authorization: Bearer <token>` with a cached client-credentials token. */
export function oauthAuthProvider(tokens: OAuthTokenSource): B2cAuthProvider {
  return {
    mode: 'oauth',
    authorization: async () => `${BEARER}${await tokens.token()}`,
    // B2C may stop accepting a token before its expiry (revoked in "Manage Access Tokens", the
    // staff account changed): take a new one and let the request go once more.
    rejected: async (used) => {
      if (!used.startsWith(BEARER)) return false;
      tokens.invalidate(used.slice(BEARER.length));
      return true;
    },
  };
}
