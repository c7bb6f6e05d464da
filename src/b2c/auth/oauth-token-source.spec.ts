import type {
  OutboundHttp,
  OutboundRequest,
  OutboundResponse,
} from '../../allowlist/outbound/outbound-http.port';
import { B2cAuthError } from './b2c-auth.error';
import { OAuthTokenSource } from './oauth-token-source';

/**
 * A token endpoint behind the OutboundHttp port: records each request and answers with a new
 * token (`t1`, `t2`, …) or with `next` when set. Answers can be held back to test concurrency.
 */
class TokenEndpoint implements OutboundHttp {
  readonly requests: OutboundRequest[] = [];
  expiresIn: number | undefined = 3600;
  next?: OutboundResponse;
  private gate?: Promise<void>;
  private open?: () => void;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  async request(request: OutboundRequest): Promise<OutboundResponse> {
    this.requests.push(request);
    if (this.gate) await this.gate;
    if (this.next) return this.next;
    const body = {
      access_token: `t${this.requests.length}`,
      token_type: 'Bearer',
      expires_in: this.expiresIn,
    };
    return { status: 200, headers: {}, body: Buffer.from(JSON.stringify(body)) };
  }
}

describe('OAuthTokenSource', () => {
  let endpoint: TokenEndpoint;
  let now: number;
  const source = (refreshMarginSeconds = 60) =>
    new OAuthTokenSource(endpoint, {
      tokenUrl: 'https://idcs-x.identity.oraclecloud.com/oauth2/v1/token',
      clientId: 'client id',
      clientSecret: () => 'se:cret&',
      scope: 'https://mysite.custhelp.com/urn:opc:resource:consumer::all',
      refreshMarginSeconds,
      timeoutMs: 1000,
      now: () => now,
    });

  beforeEach(() => {
    endpoint = new TokenEndpoint();
    now = 1_000_000;
  });

  it('asks with the client-credentials grant, client id and secret form-encoded in Basic', async () => {
    expect(await source().token()).toBe('t1');
    const [request] = endpoint.requests;
    expect(request.method).toBe('POST');
    expect(request.purpose).toBe('b2c-oauth-token');
    expect(Buffer.from(request.headers!.authorization.slice(6), 'base64').toString()).toBe(
      'client+id:se%3Acret%26',
    );
    const form = new URLSearchParams(String(request.body));
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('scope')).toBe('https://mysite.custhelp.com/urn:opc:resource:consumer::all');
  });

  it('reuses the token until the refresh margin before expiry, then fetches a new one', async () => {
    const tokens = source(60);
    expect(await tokens.token()).toBe('t1');
    now += (3600 - 60) * 1000 - 1;
    expect(await tokens.token()).toBe('t1');
    now += 1;
    expect(await tokens.token()).toBe('t2');
    expect(endpoint.requests).toHaveLength(2);
  });

  it('uses at most half the lifetime as margin for short-lived tokens', async () => {
    endpoint.expiresIn = 60;
    const tokens = source(60);
    expect(await tokens.token()).toBe('t1');
    now += 29_999;
    expect(await tokens.token()).toBe('t1');
    now += 1;
    expect(await tokens.token()).toBe('t2');
  });

  it('shares one fetch between concurrent callers (single flight)', async () => {
    const tokens = source();
    endpoint.hold();
    const waiting = Array.from({ length: 10 }, () => tokens.token());
    await new Promise((resolve) => setImmediate(resolve));
    endpoint.release();
    expect(await Promise.all(waiting)).toEqual(Array(10).fill('t1'));
    expect(endpoint.requests).toHaveLength(1);
  });

  it('drops a refused token once: a burst of 401s for it makes one new token', async () => {
    const tokens = source();
    const refused = await tokens.token();
    tokens.invalidate(refused);
    expect(await tokens.token()).toBe('t2');
    tokens.invalidate(refused); // a late 401 for the old token changes nothing
    expect(await tokens.token()).toBe('t2');
    expect(endpoint.requests).toHaveLength(2);
  });

  it('fails with the OAuth error code, never the secret, and tries again on the next call', async () => {
    endpoint.next = {
      status: 401,
      headers: {},
      body: Buffer.from(JSON.stringify({ error: 'invalid_client', error_description: 'se:cret&' })),
    };
    const tokens = source();
    const failure = tokens.token();
    await expect(failure).rejects.toThrow(B2cAuthError);
    await expect(failure).rejects.toThrow('the OAuth token endpoint answered 401 (invalid_client)');
    await expect(failure).rejects.not.toThrow(/se:cret/);
    endpoint.next = undefined;
    expect(await tokens.token()).toBe('t2');
  });

  it.each([
    ['no access_token', { token_type: 'Bearer' }],
    ['a token with characters a header cannot carry', { access_token: 'a b\r\nX: y' }],
    ['another token type', { access_token: 'abc', token_type: 'mac' }],
  ])('refuses an answer with %s', async (_what, body) => {
    endpoint.next = { status: 200, headers: {}, body: Buffer.from(JSON.stringify(body)) };
    await expect(source().token()).rejects.toThrow(B2cAuthError);
  });
});
