/**
 * A secret reference could not be turned into a value. The message names the setting and the
 * reference (as `describeSecretReference` shows it) and why, never a value.
 *
 * Deliberately not a GatewayError: GatewayError messages become the `detail` sent to HTTP
 * callers, and where the gateway keeps its secrets is nobody's business but the operator's. If
 * one escapes into a request, the problem filter turns it into an anonymous 500 and logs it.
 */
export class SecretResolutionError extends Error {
  constructor(
    readonly setting: string,
    readonly reference: string,
    readonly reason: string,
  ) {
    super(`${setting}: ${reference} ${reason}`);
    this.name = 'SecretResolutionError';
  }
}

/** Thrown by a secret source; the cache adds the setting and reference. */
export class SecretUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SecretUnavailableError';
  }
}
