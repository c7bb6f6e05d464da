/**
 * The OCI Vault emulator as a standalone process, for running the gateway with `oci-vault:`
 * references on a laptop:
 *
 *   npx ts-node --transpile-only src/emulators/oci-vault/main.ts
 *
 * It makes an API key, writes an `~/.oci/config`-style file for it under VAULT_EMULATOR_DIR
 * (./data/oci-vault-emulator), accepts requests signed with that key, and prints the settings the
 * gateway needs. VAULT_EMULATOR_PORT (8788), VAULT_EMULATOR_HOST (127.0.0.1; the /_emulator/
 * control API has no authentication). VAULT_EMULATOR_SECRETS seeds secrets as
 * `<OCID>=<value>,<OCID>=<value>`; rotate one with
 * `curl -X PUT -H 'content-type: application/json' -d '{"value":"new"}' <url>/_emulator/secrets/<OCID>`.
 * This is the only file of the emulator that reads the environment.
 */
import { resolve } from 'node:path';
import { createApiKeyIdentity, writeOciConfigFile } from './api-key-identity';
import { VaultEmulator } from './vault-emulator';

async function main(): Promise<void> {
  const dir = resolve(process.env.VAULT_EMULATOR_DIR || './data/oci-vault-emulator');
  const port = Number(process.env.VAULT_EMULATOR_PORT || 8788);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error('VAULT_EMULATOR_PORT must be a port number');
  }
  const emulator = await VaultEmulator.start({
    host: process.env.VAULT_EMULATOR_HOST || '127.0.0.1',
    port,
  });
  const identity = createApiKeyIdentity();
  emulator.addApiKey(identity.keyId, identity.publicKey);
  const configFile = writeOciConfigFile(dir, identity);
  const seeded: string[] = [];
  for (const pair of (process.env.VAULT_EMULATOR_SECRETS ?? '').split(',').filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`VAULT_EMULATOR_SECRETS: '${pair.split('=')[0]}' has no value`);
    emulator.putSecret(pair.slice(0, at), pair.slice(at + 1));
    seeded.push(pair.slice(0, at));
  }
  console.log(
    [
      `OCI Vault emulator listening on ${emulator.url} (secrets seeded: ${seeded.join(', ') || 'none'})`,
      'Run the gateway with:',
      `  OCI_VAULT_AUTH=config-file OCI_VAULT_CONFIG_FILE=${configFile} OCI_VAULT_PROFILE=DEFAULT \\`,
      `  OCI_VAULT_ENDPOINT=${emulator.url} B2C_PASSWORD=oci-vault:<one of the OCIDs> ...`,
      `and list ${emulator.url} in allowlist.outbound.targets (with allowHttpForDevelopment: true).`,
    ].join('\n'),
  );
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(
    'OCI Vault emulator failed to start:',
    error instanceof Error ? error.message : error,
  );
  process.exit(1);
});
