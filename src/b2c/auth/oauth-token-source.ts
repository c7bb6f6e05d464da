import type { OutboundHttp } from '../../allowlist/outbound/outbound-http.port';
import { B2cAuthError } from './b2c-auth.error';

export interface OAuthTokenSourceOptions {
  tokenUrl: string;
  clientId: string;
  /** Read at each token request, so a rotated client secret applies without a restart. */
  clientSecret: () => string;
  scope?: string;
  /** A token is replaced this long before it expires (at most half its lifetime). */
  refreshMarginSeconds: number;
  timeoutMs: number;
  now?: () => number;
}

interface CachedToken {
  value: string;
  /** Epoch ms from which a new token is fetched instead. */
  renewAt: number;
}

/** Lifetime assumed when the token endpoint gives no `expires_in` (RFC 6749 makes it optional). */
export const DEFAULT_LIFETIME_SECONDS = 300;

/**
 * OAuth 2.0 client-credentials tokens from an identity domain (RFC 6749 4.4; OCI IAM / IDCS
 * `/oauth2/v1/token`), fetched through the outbound allowlist. One token is shared by all
 * requests until shortly before it expires; concurrent callers wait for one fetch.
 */
export class OAuthTokenSource {
  private readonly now: () => number;
  private cached?: CachedToken;
  private pending?: Promise<CachedToken>;
  /** Token requests made, for tests and diagnostics. */
  fetches = 0;

  constructor(
    private readonly http: OutboundHttp,
    private readonly options: OAuthTokenSourceOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async token(): Promise<string> {
    if (this.cached && this.now() < this.cached.renewAt) return this.cached.value;
    this.pending ??= this.fetch().finally(() => (this.pending = undefined));
    return (await this.pending).value;
  }

  /**
   * B2C refused `used`. Dropped only if it is still the cached token, so a burst of 401s for the
   * same token leads to one new token, not one each.
   */
  invalidate(used: string): void {
    if (this.cached?.value === used) this.cached = undefined;
  }

  private async fetch(): Promise<CachedToken> {
    this.fetches += 1;
    const { tokenUrl, clientId, scope, timeoutMs } = this.options;
    // RFC 6749 2.3.1: client id and secret are form-encoded before they go into Basic.
    const client = `${formEncode(clientId)}:${formEncode(this.options.clientSecret())}`;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope) form.set('scope', scope);
    const startedAt = this.now();
    const response = await this.http
      .request({
        method: 'POST',
        url: tokenUrl,
        headers: {
          authorization: `Basic ${Buffer.from(client, 'utf8').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
          accept: 'application/json',
        },
        body: form.toString(),
        timeoutMs,
        maxResponseBytes: 64 * 1024,
        purpose: 'b2c-oauth-token',
      })
      .catch((error: unknown) => {
        throw new B2cAuthError(
          `the OAuth token request failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    const body = parseJson(response.body);
    if (response.status !== 200) {
      throw new B2cAuthError(
        `the OAuth token endpoint answered ${response.status}${oauthErrorCode(body)}`,
      );
    }
    const accessToken = body?.access_token;
    // The token goes into a header as it is: token68 characters only.
    if (typeof accessToken !== 'string' || !/^[A-Za-z0-9\-._~+/]+=*$/.test(accessToken)) {
      throw new B2cAuthError('the OAuth token endpoint answered without a usable access_token');
    }
    const tokenType = body?.token_type;
    if (
      tokenType !== undefined &&
      (typeof tokenType !== 'string' || !/^bearer$/i.test(tokenType))
    ) {
      throw new B2cAuthError('the OAuth token endpoint issued a token that is not a bearer token');
    }
    const expiresIn = Number(body?.expires_in ?? DEFAULT_LIFETIME_SECONDS);
    const lifetime =
      Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_LIFETIME_SECONDS;
    const margin = Math.min(this.options.refreshMarginSeconds, lifetime / 2);
    // Counted from when the request was sent: the token's clock started at the endpoint.
    const cached = { value: accessToken, renewAt: startedAt + (lifetime - margin) * 1000 };
    this.cached = cached;
    return cached;
  }
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The RFC 6749 5.2 `error` code (e.g. invalid_client), safe to log; never the description. */
function oauthErrorCode(body: Record<string, unknown> | undefined): string {
  const code = body?.error;
  return typeof code === 'string' && /^[a-z_]{1,64}$/.test(code) ? ` (${code})` : '';
}
