/**
 * Every gateway setting that holds a secret reference (resolved by src/secrets), by its
 * configuration key. GET /admin/config shows these only as the kind of reference. A test
 * (secret-settings.spec.ts) finds every `secrets.watch(`/`secrets.resolve(` call in src/ and
 * fails when one names a key missing here; vendors' secrets are each vendor's `secretSettings`.
 */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set([
  'admin.oidc.clientSecret',
  'admin.sessionSecret',
  'admin.token',
  'b2c.password',
  'b2c.oauth.clientSecret',
  'b2c.sessionId',
  'storage.postgres.url',
  'throttle.redisUrl',
]);

/** How a secret is configured, never what it is. `value`: the secret itself, inline. */
export type SecretKind = 'env:' | 'file:' | 'oci-vault:' | 'value';

const REFERENCE_KINDS = ['env:', 'file:', 'oci-vault:'] as const;

export function secretKind(reference: string): SecretKind {
  return REFERENCE_KINDS.find((kind) => reference.startsWith(kind)) ?? 'value';
}

/** Whether a string is a secret reference, whichever setting holds it. */
export function isSecretReference(value: string): boolean {
  return REFERENCE_KINDS.some((kind) => value.startsWith(kind));
}

/** What a secret setting shows: its kind, or null when the setting is not set. */
export interface SecretView {
  secret: SecretKind;
}
