import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** An OCI API signing key as a user would upload it, with the OCIDs a config file names. */
export interface ApiKeyIdentity {
  tenancy: string;
  user: string;
  fingerprint: string;
  /** `<tenancy>/<user>/<fingerprint>`: the keyId of signed requests. */
  keyId: string;
  publicKey: KeyObject;
  privateKeyPem: string;
}

/** OCI's key fingerprint: MD5 of the DER public key, as colon-separated hex pairs. */
export function ociFingerprint(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('md5')
    .update(der)
    .digest('hex')
    .replace(/(..)(?!$)/g, '$1:');
}

/** A fresh RSA 2048 identity (what `oci setup keys` makes), for tests and local development. */
export function createApiKeyIdentity(name = 'gateway'): ApiKeyIdentity {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const tenancy = `ocid1.tenancy.oc1..emulator${name}`;
  const user = `ocid1.user.oc1..emulator${name}`;
  const fingerprint = ociFingerprint(publicKey);
  return {
    tenancy,
    user,
    fingerprint,
    keyId: `${tenancy}/${user}/${fingerprint}`,
    publicKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/**
 * Writes `<dir>/config` (an `~/.oci/config`-style file with one profile) and the private key
 * beside it, readable by the owner only. Returns the config file's path.
 */
export function writeOciConfigFile(
  dir: string,
  identity: ApiKeyIdentity,
  options: { profile?: string; region?: string } = {},
): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFile = join(dir, 'oci_api_key.pem');
  writeFileSync(keyFile, identity.privateKeyPem, { mode: 0o600 });
  const configFile = join(dir, 'config');
  writeFileSync(
    configFile,
    [
      `[${options.profile ?? 'DEFAULT'}]`,
      `user=${identity.user}`,
      `fingerprint=${identity.fingerprint}`,
      `tenancy=${identity.tenancy}`,
      `region=${options.region ?? 'us-ashburn-1'}`,
      `key_file=${keyFile}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return configFile;
}
