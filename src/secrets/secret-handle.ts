/**
 * A live view of one configured secret, for callers that must see rotations (vendor signature
 * verification, B2C authentication). Read it at the moment of use, never copy the value into a
 * long-lived field:
 *
 * ```ts
 * // once, at start-up (fails like resolve() when the secret cannot be read):
 * const token = await secrets.watch('vendors.twilio.authToken', settings.authToken);
 * // per request: a signature made with the old or the new token is fine during a rotation
 * const ok = token.acceptedValues().some((candidate) => verify(request, candidate));
 * // outbound (B2C password, OAuth client secret): always sign with the newest value
 * const password = token.current();
 * // drop anything derived from the old value (a cached OAuth token, a Basic header)
 * const stop = token.onRotation(() => tokenCache.clear());
 * ```
 */
export interface SecretHandle {
  /** The configuration key, e.g. `vendors.twilio.authToken`. */
  readonly setting: string;
  /** Where the secret comes from, as safe to log (`env:NAME`, `oci-vault:<OCID>`, ...). */
  readonly reference: string;
  /** The newest value read; the last good one while refreshes fail. */
  current(): string;
  /**
   * The current value, then the previous one while inside `secrets.rotationOverlapMs` after a
   * rotation. For checking what others signed or sent, never for signing.
   */
  acceptedValues(): string[];
  /** Called after each rotation (without the values); returns a function that unsubscribes. */
  onRotation(listener: () => void): () => void;
}

/** A secret whose reads currently fail, for the readiness check. Never carries a value. */
export interface FailingSecret {
  setting: string;
  reference: string;
  /** ISO 8601: when the first of the consecutive failures happened. */
  since: string;
  error: string;
}

export interface SecretsStatus {
  /** Every secret asked for so far has a value (a failing refresh still has its last good one). */
  loaded: boolean;
  failing: FailingSecret[];
}
