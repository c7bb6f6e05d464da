/**
 * OCI Vault Secrets API emulator (the data plane the gateway reads): a plain Fastify app with the
 * secrets in memory, for local development and the gateway's tests. It checks the OCI request
 * signature of every API request against the public keys it was given. The /_emulator/ control
 * API has no authentication, which is why it binds to 127.0.0.1 by default.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { EmulatorSecrets, type VersionSelector } from './emulator-secrets';
import { checkSignature, parseSignatureHeader, type SignatureHeader } from './request-signature';

export interface VaultEmulatorOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
}

/** What the emulator saw of one API request: enough to check how the client signed it. */
export interface ReceivedVaultRequest {
  method: string;
  url: string;
  /** The parsed authorization header; undefined when there was none. */
  signature?: SignatureHeader;
  status: number;
  /** Why the signature was refused, if it was. */
  refusal?: string;
}

const API_PREFIX = '/20190301';

export class VaultEmulator {
  readonly secrets = new EmulatorSecrets();
  readonly requests: ReceivedVaultRequest[] = [];
  private readonly keys = new Map<string, KeyObject>();
  private outage?: number;

  private origin = '';

  private constructor(private readonly app: FastifyInstance) {}

  static async start(options: VaultEmulatorOptions = {}): Promise<VaultEmulator> {
    // Secret OCIDs are longer than find-my-way's default parameter limit of 100.
    const app = Fastify({ logger: false, routerOptions: { maxParamLength: 1000 } });
    const emulator = new VaultEmulator(app);
    registerRoutes(app, emulator);
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
    const address = app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    emulator.origin = `http://${host}:${address.port}`;
    return emulator;
  }

  /** Origin, e.g. http://127.0.0.1:41234: what `secrets.ociVault.endpoint` is set to. */
  get url(): string {
    return this.origin;
  }

  /** Accepts requests signed by this key; `keyId` is `<tenancy>/<user>/<fingerprint>`. */
  addApiKey(keyId: string, publicKey: KeyObject): void {
    this.keys.set(keyId, publicKey);
  }

  /** Creates the secret, or rotates it: the new version becomes CURRENT. Returns its number. */
  putSecret(secretId: string, value: string, versionName?: string): number {
    return this.secrets.put(secretId, value, versionName);
  }

  deleteSecret(secretId: string): void {
    this.secrets.delete(secretId);
  }

  /** Every API request answers this status (e.g. 503) until called with undefined. */
  setOutage(status: number | undefined): void {
    this.outage = status;
  }

  close(): Promise<void> {
    return this.app.close();
  }

  /** Logs an API request and checks its signature; for the routes. */
  receive(method: string, url: string, headers: Record<string, string | string[] | undefined>) {
    const record: ReceivedVaultRequest = {
      method,
      url,
      signature: parseSignatureHeader(
        typeof headers.authorization === 'string' ? headers.authorization : undefined,
      ),
      status: 0,
    };
    this.requests.push(record);
    const check = checkSignature({ method, url, headers }, (keyId) => this.keys.get(keyId));
    if (!check.ok) record.refusal = check.reason;
    return { record, check, outage: this.outage };
  }
}

function registerRoutes(app: FastifyInstance, emulator: VaultEmulator): void {
  app.get<{
    Params: { secretId: string };
    Querystring: { stage?: string; versionNumber?: string; secretVersionName?: string };
  }>(`${API_PREFIX}/secretbundles/:secretId`, async (request, reply) => {
    const { record, check, outage } = emulator.receive(
      request.method,
      request.url,
      request.headers,
    );
    const answer = (status: number, body: unknown) => {
      record.status = status;
      return send(reply, status, body);
    };
    if (!check.ok) {
      return answer(401, {
        code: 'NotAuthenticated',
        message: `The required information to complete authentication was not provided or was incorrect (${check.reason}).`,
      });
    }
    if (outage !== undefined) {
      return answer(outage, { code: 'InternalServerError', message: 'Emulated outage.' });
    }
    const { stage, versionNumber, secretVersionName } = request.query;
    let selector: VersionSelector = { stage: stage ?? 'CURRENT' };
    if (versionNumber !== undefined) selector = { versionNumber: Number(versionNumber) };
    else if (secretVersionName !== undefined) selector = { secretVersionName };
    const found = emulator.secrets.find(request.params.secretId, selector);
    if (!found) {
      return answer(404, {
        code: 'NotAuthorizedOrNotFound',
        message: 'Authorization failed or requested resource not found.',
      });
    }
    return answer(200, {
      secretId: request.params.secretId,
      versionNumber: found.version.versionNumber,
      versionName: found.version.versionName ?? null,
      stages: found.stages,
      timeCreated: found.version.timeCreated,
      timeOfDeletion: null,
      timeOfExpiry: null,
      metadata: null,
      secretBundleContent: { contentType: 'BASE64', content: found.version.content },
    });
  });

  // Control API (no authentication): set or rotate a secret, delete it, read the request log.
  app.put<{ Params: { secretId: string }; Body: { value?: unknown; versionName?: unknown } }>(
    '/_emulator/secrets/:secretId',
    async (request, reply) => {
      const { value, versionName } = request.body ?? {};
      if (
        typeof value !== 'string' ||
        (versionName !== undefined && typeof versionName !== 'string')
      ) {
        return send(reply, 400, {
          code: 'InvalidParameter',
          message: 'value (string) is required',
        });
      }
      const versionNumber = emulator.putSecret(request.params.secretId, value, versionName);
      return send(reply, 200, { secretId: request.params.secretId, versionNumber });
    },
  );
  app.delete<{ Params: { secretId: string } }>(
    '/_emulator/secrets/:secretId',
    async (request, reply) => {
      emulator.deleteSecret(request.params.secretId);
      return reply.status(204).send();
    },
  );
  app.get('/_emulator/requests', async (_request, reply) => send(reply, 200, emulator.requests));
}

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply
    .status(status)
    .header('opc-request-id', randomUUID().replace(/-/g, '').toUpperCase())
    .header('content-type', 'application/json')
    .send(JSON.stringify(body));
}
