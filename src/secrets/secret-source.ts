import { readFile } from 'node:fs/promises';
import type { Environment } from '../config/load-config';
import { SecretUnavailableError } from './secret-resolution.error';
import type { SecretReference } from './reference/secret-reference';

/** One read of a secret. `version` identifies it where the store has versions (OCI Vault). */
export interface SecretReading {
  value: string;
  version?: string;
}

/**
 * Reads the current value behind a reference, every time it is asked (the cache decides how
 * often). Throws `SecretUnavailableError` with a reason that never contains the value.
 */
export type SecretReader = (reference: SecretReference) => Promise<SecretReading>;

/** `env:`, `file:` and literal references; `oci-vault:` goes to its own reader. */
export function readLocalSecret(
  env: Environment,
  reference: Exclude<SecretReference, { kind: 'oci-vault' }>,
): Promise<SecretReading> {
  switch (reference.kind) {
    case 'literal':
      return Promise.resolve({ value: reference.value });
    case 'env': {
      const value = env[reference.name];
      if (value === undefined) return Promise.reject(new SecretUnavailableError('is not set'));
      return Promise.resolve({ value });
    }
    case 'file':
      return readSecretFile(reference.path);
  }
}

async function readSecretFile(path: string): Promise<SecretReading> {
  try {
    // Files written by editors and secret mounts usually end with a newline that is not part of
    // the secret.
    return { value: (await readFile(path, 'utf8')).replace(/\r?\n$/, '') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new SecretUnavailableError(`cannot be read (${code})`);
  }
}
