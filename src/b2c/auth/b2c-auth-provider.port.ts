import type { B2cAuthMode } from '../../config/b2c-auth.settings';

/**
 * Supplies the `Authorization` header of every Connect REST request (b2c.auth: basic, oauth or
 * session). Installed on the B2C HttpService's axios instance by `installB2cAuth`.
 */
export interface B2cAuthProvider {
  readonly mode: B2cAuthMode;
  /** The header value for the next request, e.g. `Bearer eyJ…`; may fetch a token first. */
  authorization(): Promise<string>;
  /**
   * B2C answered 401 to a request sent with `used`. Returns true when a fresh credential was made
   * ready and the request is worth sending once more (a cached OAuth token that B2C no longer
   * accepts); false when the same credential would be refused again.
   */
  rejected(used: string): Promise<boolean>;
}

export const B2C_AUTH_PROVIDER = Symbol('B2cAuthProvider');
