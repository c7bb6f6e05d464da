import { randomUUID } from 'node:crypto';
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

/** The issuer OCI IAM identity domains put in their tokens. */
export const IDENTITY_ISSUER = 'https://identity.oraclecloud.com/';
export const JWKS_PATH = '/admin/v1/SigningCert/jwk';
export const TOKEN_PATH = '/oauth2/v1/token';

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicKey: KeyLike;
  publicJwk: JWK;
}

export interface IdentityClient {
  secret: string;
  /** `aud` of the tokens issued to this client. */
  audience: string;
  scope?: string;
  /** `expires_in` of issued tokens, seconds. */
  expiresIn?: number;
}

export interface SignOptions {
  /** Default: the current signing key's kid. */
  kid?: string;
  /** Default: 3600 s from now; negative for an expired token. */
  expiresInSeconds?: number;
  /** Sign with a key that is not published. */
  unpublishedKey?: boolean;
  /** Leave out `exp` (a token that would never expire). */
  withoutExp?: boolean;
}

/**
 * A stand-in for an OCI IAM identity domain (IDCS) on loopback: real RSA keys, a JWKS at IDCS's
 * `/admin/v1/SigningCert/jwk` (keys shaped like IDCS's: kid, alg RS256, key_ops) and the
 * client-credentials grant at `/oauth2/v1/token` (client id and secret in HTTP Basic, as IDCS
 * documents). Counts requests so tests can check caching.
 */
export class IdentityDomain {
  readonly requests = { jwks: 0, token: 0 };
  /** Tokens issued by the token endpoint, newest last. */
  readonly issued: string[] = [];
  private keys: SigningKey[] = [];
  private readonly clients = new Map<string, IdentityClient>();
  private server = createServer((request, response) => void this.handle(request, response));
  url = '';

  get jwksUrl(): string {
    return this.url + JWKS_PATH;
  }

  get tokenUrl(): string {
    return this.url + TOKEN_PATH;
  }

  static async start(): Promise<IdentityDomain> {
    const domain = new IdentityDomain();
    domain.keys.push(await newKey());
    await new Promise<void>((resolve) => domain.server.listen(0, '127.0.0.1', resolve));
    domain.url = `http://127.0.0.1:${(domain.server.address() as AddressInfo).port}`;
    return domain;
  }

  addClient(clientId: string, client: IdentityClient): void {
    this.clients.set(clientId, client);
  }

  /** The published key set. */
  jwks(): JSONWebKeySet {
    return { keys: this.keys.map((key) => key.publicJwk) };
  }

  get currentKid(): string {
    return this.keys[this.keys.length - 1].kid;
  }

  get currentPublicKey(): KeyLike {
    return this.keys[this.keys.length - 1].publicKey;
  }

  /** A new signing key becomes current; the old ones stay published unless `dropOld`. */
  async rotate(dropOld = false): Promise<string> {
    const key = await newKey();
    this.keys = dropOld ? [key] : [...this.keys, key];
    return key.kid;
  }

  /** A token signed RS256 by a published key (or, with `unpublishedKey`, by a stranger's). */
  async sign(claims: JWTPayload, options: SignOptions = {}): Promise<string> {
    const key = options.unpublishedKey
      ? await newKey()
      : (this.keys.find((candidate) => candidate.kid === (options.kid ?? this.currentKid)) ??
        this.keys[this.keys.length - 1]);
    const now = Math.floor(Date.now() / 1000);
    const payload: JWTPayload = {
      iat: now,
      exp: now + (options.expiresInSeconds ?? 3600),
      ...claims,
    };
    if (options.withoutExp) delete payload.exp;
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? key.kid, typ: 'JWT' })
      .sign(key.privateKey);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?', 1)[0];
    if (request.method === 'GET' && path === JWKS_PATH) {
      this.requests.jwks += 1;
      return json(response, 200, this.jwks());
    }
    if (request.method === 'POST' && path === TOKEN_PATH) {
      this.requests.token += 1;
      return this.token(request, response);
    }
    return json(response, 404, { error: 'not_found' });
  }

  private async token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    if (!/^application\/x-www-form-urlencoded/i.test(request.headers['content-type'] ?? '')) {
      return json(response, 400, { error: 'invalid_request' });
    }
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!basic) return json(response, 401, { error: 'invalid_client' });
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const clientId = decodeForm(decoded.slice(0, colon));
    const secret = decodeForm(decoded.slice(colon + 1));
    const client = this.clients.get(clientId);
    if (colon < 0 || !client || client.secret !== secret) {
      return json(response, 401, { error: 'invalid_client' });
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return json(response, 400, { error: 'unsupported_grant_type' });
    }
    const expiresIn = client.expiresIn ?? 3600;
    const accessToken = await this.sign(
      {
        iss: IDENTITY_ISSUER,
        aud: [client.audience],
        sub: clientId,
        client_id: clientId,
        scope: form.get('scope') ?? client.scope ?? '',
        jti: randomUUID(),
      },
      { expiresInSeconds: expiresIn },
    );
    this.issued.push(accessToken);
    return json(response, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: expiresIn,
    });
  }
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `SIGNING_KEY_${randomUUID().slice(0, 8)}`;
  const publicJwk = {
    ...(await exportJWK(publicKey)),
    kid,
    alg: 'RS256',
    key_ops: ['encrypt', 'verify', 'wrapKey'],
  };
  return { kid, privateKey, publicKey, publicJwk };
}

function decodeForm(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
