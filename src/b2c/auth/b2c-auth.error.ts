/**
 * The gateway could not obtain B2C credentials (token endpoint unreachable, or it refused the
 * client). The message names the endpoint's answer, never the client secret or a token.
 */
export class B2cAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'B2cAuthError';
  }
}
