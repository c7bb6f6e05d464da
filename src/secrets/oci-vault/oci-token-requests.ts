import type { OciAuthMethod } from '../../config/secrets.settings';

/** One request the OCI SDK sends itself to authenticate, outside the outbound guard. */
export interface OciTokenRequest {
  readonly auth: OciAuthMethod;
  readonly method: 'GET' | 'POST';
  /** As README lists it; `<…>` parts are filled in by the platform or the region. */
  readonly url: string;
  /** The oci-common file (lib/auth/) that sends it. */
  readonly sdkFile: string;
}

/**
 * The calls the outbound guard does not see, and why: oci-common's authentication providers
 * build their own `FetchHttpClient` inside the SDK, which sends with the global `fetch` (undici
 * on Node 20, which ignores agents); none takes an HTTP client or agent from the caller, unlike
 * the Secrets client, whose GetSecretBundle calls go through the guard (OciSignedHttpClient).
 * They also could not pass it: the metadata service is plain http on a link-local IP and the
 * OKE proxymux a cluster IP on port 12250, and the guard allows DNS names on 443 only. The
 * targets are fixed by the platform (not by configuration or by any request) and carry no
 * webhook data. `config-file` makes no such call, nor does `resource-principal`: the SDK's only
 * resource principal version, 2.2, reads its token from the platform's variable or file.
 *
 * README ("Allow rules in and out") lists these; a test checks README, this list and what the
 * installed SDK actually sends against each other.
 */
export const OCI_TOKEN_REQUESTS: readonly OciTokenRequest[] = [
  {
    auth: 'instance-principal',
    method: 'GET',
    url: 'http://169.254.169.254/opc/v2/instance/region',
    sdkFile: 'abstract-federation-client-authenticated-details-provider-builder.js',
  },
  {
    auth: 'instance-principal',
    method: 'GET',
    url: 'http://169.254.169.254/opc/v2/identity/cert.pem',
    sdkFile: 'url-based-x509-certificate-supplier.js',
  },
  {
    auth: 'instance-principal',
    method: 'GET',
    url: 'http://169.254.169.254/opc/v2/identity/key.pem',
    sdkFile: 'url-based-x509-certificate-supplier.js',
  },
  {
    auth: 'instance-principal',
    method: 'GET',
    url: 'http://169.254.169.254/opc/v2/identity/intermediate.pem',
    sdkFile: 'url-based-x509-certificate-supplier.js',
  },
  {
    auth: 'instance-principal',
    method: 'POST',
    url: 'https://auth.<region>.oraclecloud.com/v1/x509',
    sdkFile: 'X509-federation-client.js',
  },
  {
    auth: 'oke-workload-identity',
    method: 'POST',
    url: 'https://<KUBERNETES_SERVICE_HOST>:<KUBERNETES_SERVICE_PORT_PROXYMUX>/resourcePrincipalSessionTokens',
    sdkFile: 'X509-federation-client-for-oke-workload-identity.js',
  },
];

/** The requests `auth` makes outside the guard (none for config-file and resource-principal). */
export function tokenRequestsOutsideGuard(auth: OciAuthMethod): readonly OciTokenRequest[] {
  return OCI_TOKEN_REQUESTS.filter((request) => request.auth === auth);
}
