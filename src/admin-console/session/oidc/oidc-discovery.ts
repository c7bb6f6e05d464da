import type { OutboundHttp } from '../../../allowlist/outbound/outbound-http.port';
import { OidcSignInError } from './oidc-sign-in.error';

/** What the console's sign-in needs from the identity domain's discovery document. */
export interface OidcMetadata {
  /** The `iss` its id tokens carry (IDCS: `https://identity.oraclecloud.com/`, not its URL). */
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
}

const DISCOVERY_PATH = '/.well-known/openid-configuration';
/** A discovery document rarely changes; read again after this long. */
const MAX_AGE_MS = 60 * 60 * 1000;
const TIMEOUT_MS = 5000;

/**
 * The identity domain's discovery document (`<issuer>/.well-known/openid-configuration`), read
 * through the outbound allowlist on first use and cached; a failure is not cached, so the next
 * sign-in tries again.
 */
export class OidcDiscovery {
  private cached?: { metadata: OidcMetadata; at: number };
  private inFlight?: Promise<OidcMetadata>;

  constructor(
    private readonly http: OutboundHttp,
    private readonly issuerUrl: string,
  ) {}

  get url(): string {
    return this.issuerUrl.replace(/\/+$/, '') + DISCOVERY_PATH;
  }

  metadata(): Promise<OidcMetadata> {
    if (this.cached && Date.now() - this.cached.at < MAX_AGE_MS) {
      return Promise.resolve(this.cached.metadata);
    }
    this.inFlight ??= this.fetch().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetch(): Promise<OidcMetadata> {
    const response = await this.http
      .request({
        method: 'GET',
        url: this.url,
        headers: { accept: 'application/json' },
        timeoutMs: TIMEOUT_MS,
        maxResponseBytes: 256 * 1024,
        purpose: 'admin-oidc-discovery',
      })
      .catch((error: unknown) => {
        throw unavailable(`discovery could not be fetched: ${messageOf(error)}`);
      });
    if (response.status !== 200) throw unavailable(`discovery answered ${response.status}`);
    let document: Record<string, unknown>;
    try {
      document = JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw unavailable('discovery is not JSON');
    }
    const metadata: OidcMetadata = {
      issuer: text(document, 'issuer'),
      authorizationEndpoint: url(document, 'authorization_endpoint'),
      tokenEndpoint: url(document, 'token_endpoint'),
      jwksUri: url(document, 'jwks_uri'),
    };
    this.cached = { metadata, at: Date.now() };
    return metadata;
  }
}

function text(document: Record<string, unknown>, name: string): string {
  const value = document?.[name];
  if (typeof value !== 'string' || value === '') {
    throw unavailable(`discovery has no "${name}"`);
  }
  return value;
}

function url(document: Record<string, unknown>, name: string): string {
  const value = text(document, name);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw unavailable(`discovery's "${name}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw unavailable(`discovery's "${name}" is not an http(s) URL`);
  }
  return value;
}

function unavailable(message: string): OidcSignInError {
  return new OidcSignInError('provider-unavailable', message);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
