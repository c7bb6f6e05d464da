import { readFile } from 'node:fs/promises';
import { Inject, Injectable } from '@nestjs/common';
import { ENVIRONMENT } from '../config/config.tokens';
import type { Environment } from '../config/load-config';
import { describeSecretReference, parseSecretReference } from './secret-reference';

export class SecretResolutionError extends Error {
  constructor(setting: string, reason: string) {
    super(`${setting}: ${reason}`);
    this.name = 'SecretResolutionError';
  }
}

/** Turns secret references from the configuration into values, at start-up. */
@Injectable()
export class SecretsService {
  constructor(@Inject(ENVIRONMENT) private readonly env: Environment) {}

  /** `setting` names the configuration key, for an error message that never shows the value. */
  async resolve(setting: string, reference: string): Promise<string> {
    const parsed = parseSecretReference(reference);
    const where = describeSecretReference(parsed);
    let value: string | undefined;
    switch (parsed.kind) {
      case 'literal':
        value = parsed.value;
        break;
      case 'env':
        value = this.env[parsed.name];
        if (value === undefined) throw new SecretResolutionError(setting, `${where} is not set`);
        break;
      case 'file':
        try {
          // Files written by editors and secret mounts usually end with a newline that is not
          // part of the secret.
          value = (await readFile(parsed.path, 'utf8')).replace(/\r?\n$/, '');
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
          throw new SecretResolutionError(setting, `${where} cannot be read (${code})`);
        }
        break;
      case 'oci-vault':
        throw new SecretResolutionError(
          setting,
          `${where}: OCI Vault references are not supported yet`,
        );
    }
    if (value === '') throw new SecretResolutionError(setting, `${where} is empty`);
    return value;
  }
}
