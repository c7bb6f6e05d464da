/**
 * A configured secret is a reference: `env:NAME`, `file:/path`, `oci-vault:<secret OCID>` (read
 * from OCI Vault, see secrets.settings.ts), or (discouraged) the value itself.
 */
export type SecretReference =
  | { kind: 'env'; name: string }
  | { kind: 'file'; path: string }
  | { kind: 'oci-vault'; secretId: string }
  | { kind: 'literal'; value: string };

export function parseSecretReference(reference: string): SecretReference {
  if (reference.startsWith('env:')) return { kind: 'env', name: reference.slice(4) };
  if (reference.startsWith('file:')) return { kind: 'file', path: reference.slice(5) };
  if (reference.startsWith('oci-vault:')) {
    return { kind: 'oci-vault', secretId: reference.slice('oci-vault:'.length) };
  }
  return { kind: 'literal', value: reference };
}

/** How a reference may be shown in logs and errors: never the value. */
export function describeSecretReference(reference: SecretReference): string {
  switch (reference.kind) {
    case 'env':
      return `env:${reference.name}`;
    case 'file':
      return `file:${reference.path}`;
    case 'oci-vault':
      return `oci-vault:${reference.secretId}`;
    case 'literal':
      return '(literal value)';
  }
}
