import type { OutboundTargetDeclaration } from '../../allowlist/outbound/outbound-target-declaration.port';

/** A Vault endpoint set explicitly (a regional default is checked when the reader is built). */
export const ociVaultOutboundTargets: OutboundTargetDeclaration = ({ secrets }) =>
  secrets.ociVault.endpoint
    ? [
        {
          key: 'secrets.ociVault.endpoint (OCI_VAULT_ENDPOINT)',
          url: secrets.ociVault.endpoint,
        },
      ]
    : [];
