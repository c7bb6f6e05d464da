import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  exportJWK,
  generateKeyPair,
  SignJWT,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  type KeyLike,
} from 'jose';
import { IDENTITY_ISSUER, JWKS_PATH, TOKEN_PATH } from './identity-domain';

export const AUTHORIZE_PATH = '/oauth2/v1/authorize';
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

export interface OidcClient {
  /** Absent: a public client, which must send `client_id` and authenticates by PKCE alone. */
  secret?: string;
  redirectUris: string[];
}

/** What the next authorization or id token should get wrong, for the refusal tests. */
export interface NextSignIn {
  /** Redirect back with `error=<this>` instead of a code. */
  error?: string;
  /** Claims that replace the id token's own (`nonce`, `aud`, `iss`, `exp`, …). */
  claims?: JWTPayload;
  /** Sign the id token with a key the JWKS does not list. */
  unpublishedKey?: boolean;
}

interface Grant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce?: string;
  subject: string;
  scope: string;
  next: NextSignIn;
  expiresAt: number;
}

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

/**
 * An OpenID Connect provider stand-in shaped like an OCI IAM identity domain (IDCS): discovery
 * at `/.well-known/openid-configuration` with IDCS's fixed issuer (`https://identity.oraclecloud.com/`,
 * not the domain's URL), an authorization endpoint that signs `user` in and approves at once
 * (a 302 back to the client with a code, so a real browser can go through it), a token endpoint
 * for the authorization-code grant that checks the client (Basic for a confidential one,
 * `client_id` for a public one), the redirect URI, single use, and the PKCE verifier against
 * the S256 challenge, and a JWKS at IDCS's path. Counts requests.
 */
export class OidcProvider {
  readonly requests = { discovery: 0, authorize: 0, token: 0, jwks: 0 };
  /** Who the authorization endpoint signs in. */
  user = 'ops@example.com';
  /** Token endpoint refusals, newest last (`error` and why), for assertions. */
  readonly refusals: { error: string; why: string }[] = [];
  private readonly clients = new Map<string, OidcClient>();
  private readonly grants = new Map<string, Grant>();
  private nextSignIn: NextSignIn = {};
  private key!: SigningKey;
  private readonly server = createServer((request, response) => {
    this.handle(request, response).catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  url = '';

  constructor(readonly issuer = IDENTITY_ISSUER) {}

  static async start(issuer?: string): Promise<OidcProvider> {
    const provider = new OidcProvider(issuer);
    provider.key = await newKey();
    await new Promise<void>((resolve) => provider.server.listen(0, '127.0.0.1', resolve));
    provider.url = `http://127.0.0.1:${(provider.server.address() as AddressInfo).port}`;
    return provider;
  }

  get jwksUrl(): string {
    return this.url + JWKS_PATH;
  }

  get tokenUrl(): string {
    return this.url + TOKEN_PATH;
  }

  addClient(clientId: string, client: OidcClient): void {
    this.clients.set(clientId, client);
  }

  /** The next sign-in (only that one) goes wrong as described. */
  spoilNextSignIn(next: NextSignIn): void {
    this.nextSignIn = next;
  }

  /** A token signed by the published key, for bearer calls to the admin API. */
  async sign(claims: JWTPayload, key: SigningKey = this.key): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iat: now, exp: now + 3600, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    if (request.method === 'GET' && url.pathname === DISCOVERY_PATH) {
      this.requests.discovery += 1;
      return json(response, 200, {
        issuer: this.issuer,
        authorization_endpoint: this.url + AUTHORIZE_PATH,
        token_endpoint: this.tokenUrl,
        jwks_uri: this.jwksUrl,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'none'],
        scopes_supported: ['openid', 'profile', 'email'],
      });
    }
    if (request.method === 'GET' && url.pathname === JWKS_PATH) {
      this.requests.jwks += 1;
      const keySet: JSONWebKeySet = { keys: [this.key.publicJwk] };
      return json(response, 200, keySet);
    }
    if (request.method === 'GET' && url.pathname === AUTHORIZE_PATH) {
      this.requests.authorize += 1;
      return this.authorize(url.searchParams, response);
    }
    if (request.method === 'POST' && url.pathname === TOKEN_PATH) {
      this.requests.token += 1;
      return this.token(request, response);
    }
    return json(response, 404, { error: 'not_found' });
  }

  private authorize(query: URLSearchParams, response: ServerResponse): void {
    const clientId = query.get('client_id') ?? '';
    const redirectUri = query.get('redirect_uri') ?? '';
    const client = this.clients.get(clientId);
    // An unknown client or redirect URI is never redirected to (RFC 6749 4.1.2.1).
    if (!client || !client.redirectUris.includes(redirectUri)) {
      response.writeHead(400, { 'content-type': 'text/plain' });
      response.end('unknown client or redirect_uri');
      return;
    }
    const back = new URL(redirectUri);
    const state = query.get('state');
    if (state !== null) back.searchParams.set('state', state);
    const next = this.nextSignIn;
    this.nextSignIn = {};
    const problem =
      query.get('response_type') !== 'code'
        ? 'unsupported_response_type'
        : !(query.get('scope') ?? '').split(' ').includes('openid')
          ? 'invalid_scope'
          : query.get('code_challenge_method') !== 'S256' || !query.get('code_challenge')
            ? 'invalid_request'
            : next.error;
    if (problem) {
      back.searchParams.set('error', problem);
    } else {
      const code = randomBytes(24).toString('base64url');
      this.grants.set(code, {
        clientId,
        redirectUri,
        challenge: query.get('code_challenge') as string,
        nonce: query.get('nonce') ?? undefined,
        subject: this.user,
        scope: query.get('scope') as string,
        next,
        expiresAt: Date.now() + 60_000,
      });
      back.searchParams.set('code', code);
    }
    response.writeHead(302, { location: back.toString(), 'cache-control': 'no-store' });
    response.end();
  }

  private async token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const refuse = (status: number, error: string, why: string) => {
      this.refusals.push({ error, why });
      return json(response, status, { error, error_description: why });
    };
    if (!/^application\/x-www-form-urlencoded/i.test(request.headers['content-type'] ?? '')) {
      return refuse(400, 'invalid_request', 'not a form');
    }
    // The client: HTTP Basic (confidential) or client_id in the form (public).
    let clientId: string;
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      clientId = decodeForm(decoded.slice(0, colon));
      const client = this.clients.get(clientId);
      if (
        colon < 0 ||
        client?.secret === undefined ||
        client.secret !== decodeForm(decoded.slice(colon + 1))
      ) {
        return refuse(401, 'invalid_client', 'wrong client credentials');
      }
    } else {
      clientId = form.get('client_id') ?? '';
      const client = this.clients.get(clientId);
      if (!client) return refuse(401, 'invalid_client', 'unknown client');
      if (client.secret !== undefined) {
        return refuse(401, 'invalid_client', 'a confidential client must authenticate');
      }
    }
    if (form.get('grant_type') !== 'authorization_code') {
      return refuse(400, 'unsupported_grant_type', String(form.get('grant_type')));
    }
    const code = form.get('code') ?? '';
    const grant = this.grants.get(code);
    this.grants.delete(code); // single use, whatever happens next
    if (!grant || grant.expiresAt < Date.now()) return refuse(400, 'invalid_grant', 'unknown code');
    if (grant.clientId !== clientId) return refuse(400, 'invalid_grant', 'code of another client');
    if (grant.redirectUri !== form.get('redirect_uri')) {
      return refuse(400, 'invalid_grant', 'redirect_uri differs');
    }
    const verifier = form.get('code_verifier') ?? '';
    if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) {
      return refuse(400, 'invalid_grant', 'code_verifier missing or malformed');
    }
    const challenge = createHash('sha256').update(verifier, 'ascii').digest('base64url');
    if (challenge !== grant.challenge) {
      return refuse(400, 'invalid_grant', 'code_verifier does not match the code_challenge');
    }
    const now = Math.floor(Date.now() / 1000);
    const key = grant.next.unpublishedKey ? await newKey() : this.key;
    const idToken = await this.sign(
      {
        iss: this.issuer,
        sub: grant.subject,
        aud: clientId,
        iat: now,
        exp: now + 3600,
        auth_time: now,
        ...(grant.nonce === undefined ? {} : { nonce: grant.nonce }),
        ...grant.next.claims,
      },
      key,
    );
    return json(response, 200, {
      access_token: await this.sign({
        iss: this.issuer,
        sub: grant.subject,
        aud: clientId,
        jti: randomUUID(),
      }),
      token_type: 'Bearer',
      expires_in: 3600,
      id_token: idToken,
    });
  }
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `SIGNING_KEY_${randomUUID().slice(0, 8)}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

function decodeForm(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}
