import type {
  AuthenticationDetailsProvider,
  InstancePrincipalsAuthenticationDetailsProviderBuilder,
} from 'oci-common';
import { SecretUnavailableError } from '../secret-resolution.error';
import type { OciVaultSettings } from '../../config/secrets.settings';

/** `oci-common`, loaded only once an `oci-vault:` reference is read (it is large). */
export type OciCommon = typeof import('oci-common');

/**
 * The configured authentication, set up without network calls. Instance principals can only be
 * built by asking the instance metadata service, so that one stays a builder until first use.
 */
export type PreparedOciAuthentication =
  | {
      method: 'instance-principal';
      builder: InstancePrincipalsAuthenticationDetailsProviderBuilder;
    }
  | {
      method: 'config-file' | 'resource-principal' | 'oke-workload-identity';
      provider: AuthenticationDetailsProvider;
    };

/**
 * Maps `secrets.ociVault.auth` to the `oci-common` provider Oracle documents for it:
 * - `config-file`: ConfigFileAuthenticationDetailsProvider (API key from `~/.oci/config`, profile)
 * - `instance-principal`: InstancePrincipalsAuthenticationDetailsProviderBuilder (compute instance)
 * - `resource-principal`: ResourcePrincipalAuthenticationDetailsProvider (OCI Functions and other
 *   resources; the SDK reads the OCI_RESOURCE_PRINCIPAL_* variables the platform sets)
 * - `oke-workload-identity`: OkeWorkloadIdentityAuthenticationDetailsProvider (a pod in OKE; the
 *   SDK reads KUBERNETES_SERVICE_HOST and the service account token and CA files)
 * The environment variables are read by the SDK itself, not through the gateway configuration:
 * the platform sets them and the SDK offers no other way in.
 */
export function prepareOciAuthentication(
  settings: OciVaultSettings,
  oci: OciCommon,
): PreparedOciAuthentication {
  try {
    switch (settings.auth) {
      case 'config-file':
        return {
          method: settings.auth,
          provider: new oci.ConfigFileAuthenticationDetailsProvider(
            settings.configFile,
            settings.profile,
          ),
        };
      case 'instance-principal':
        return {
          method: settings.auth,
          builder: new oci.InstancePrincipalsAuthenticationDetailsProviderBuilder(),
        };
      case 'resource-principal':
        return {
          method: settings.auth,
          provider: oci.ResourcePrincipalAuthenticationDetailsProvider.builder(),
        };
      case 'oke-workload-identity':
        return {
          method: settings.auth,
          provider:
            new oci.OkeWorkloadIdentityAuthenticationDetailsProvider.OkeWorkloadIdentityAuthenticationDetailsProviderBuilder(
              settings.okeServiceAccountCertPath,
              settings.okeServiceAccountTokenPath,
            ).build(),
        };
    }
  } catch (error) {
    throw authenticationFailure(settings.auth, error);
  }
}

export async function buildOciAuthentication(
  prepared: PreparedOciAuthentication,
): Promise<AuthenticationDetailsProvider> {
  if (prepared.method !== 'instance-principal') return prepared.provider;
  try {
    return await prepared.builder.build();
  } catch (error) {
    throw authenticationFailure(prepared.method, error);
  }
}

function authenticationFailure(method: string, error: unknown): SecretUnavailableError {
  // The SDK throws both Errors and plain strings; its messages name files and variables, not keys.
  const message = error instanceof Error ? error.message : String(error);
  return new SecretUnavailableError(
    `cannot be read: OCI authentication (${method}) could not be set up: ${message}`,
  );
}
