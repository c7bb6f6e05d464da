import { writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import {
  createServer as createHttpsServer,
  request as httpsRequest,
  type RequestOptions,
  type Server as HttpsServer,
} from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { OutboundRefusedError } from '../../common/problem/gateway-error';
import { OutboundFailedError, OutboundTimeoutError } from './outbound-errors';
import { OutboundGuard } from './outbound-guard';
import { OutboundHttpClient } from './outbound-http.client';
import { compileOutboundPolicy } from './targets/outbound-policy';
import { OutboundSettings } from './targets/outbound.settings';
import { createSelfSignedTls, createTlsIdentity } from '../../../test/support/test-pki';
import { canListenSync } from '../../../test/support/can-listen-sync';
import { loopbackAddress } from '../../vendors/kit/loopback-address';

/**
 * The outbound guard against real sockets: a TLS server on port 443 (the only port an https
 * target may use, with no development allowance: a free port would not be the product's path)
 * with a certificate from a CA made for this run, and a plain canary server that no refused call
 * may ever reach. The server is on a loopback address of this process's own, which `localhost`
 * is pinned to (`hostAddresses`), so nothing else on the machine holding 127.0.0.1:443 matters;
 * where port 443 cannot be bound at all (not root) the suite is skipped, saying why.
 */
const ADDRESS = loopbackAddress(process.pid, 2);
const describeWith443 = canListenSync(ADDRESS, 443, 'outbound guard over real sockets')
  ? describe
  : describe.skip;

/** A test CA with a server certificate it issued for localhost, and a self-signed one. */
function makePki() {
  return { ...createTlsIdentity('localhost'), self: createSelfSignedTls('localhost') };
}

function listen<T extends HttpServer | HttpsServer>(
  server: T,
  port: number,
  address = '127.0.0.1',
): Promise<T> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve(server));
  });
}

function close(server: HttpServer | HttpsServer | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** `localhost` is pinned to the TLS server's own address. */
function guardFor(targets: string[], caBundleFile?: string): OutboundGuard {
  const settings = Object.assign(new OutboundSettings(), {
    targets,
    caBundleFile,
    hostAddresses: { localhost: ADDRESS },
  });
  return new OutboundGuard(compileOutboundPolicy(settings, 'test'));
}

async function refusalOf(promise: Promise<unknown>): Promise<OutboundRefusedError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OutboundRefusedError);
  return error as OutboundRefusedError;
}

describeWith443('outbound guard over real sockets', () => {
  let pki: ReturnType<typeof makePki>;
  let tls: HttpsServer;
  let canary: HttpServer;
  let canaryPort: number;
  const hits = { tlsConnections: 0, landing: 0, canary: 0 };
  let client: OutboundHttpClient;
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    pki = makePki();
    canary = await listen(
      createHttpServer((_request, response) => {
        hits.canary += 1;
        response.end('canary');
      }),
      0,
    );
    canaryPort = (canary.address() as AddressInfo).port;
    tls = createHttpsServer({ key: pki.keyPem, cert: pki.certificatePem }, (request, response) => {
      switch (request.url) {
        case '/hello':
          response.end('hello over verified TLS');
          return;
        case '/redirect-off-list':
          response.writeHead(302, { location: `http://127.0.0.1:${canaryPort}/stolen` }).end();
          return;
        case '/redirect-on-list':
          response.writeHead(301, { location: 'https://localhost/landing' }).end();
          return;
        case '/landing':
          hits.landing += 1;
          response.end('landed');
          return;
        case '/big':
          response.write(Buffer.alloc(64 * 1024, 'a'));
          response.end(Buffer.alloc(64 * 1024, 'b'));
          return;
        case '/slow':
          return; // never answers
        default:
          response.writeHead(404).end();
      }
    });
    tls.on('connection', () => {
      hits.tlsConnections += 1;
    });
    await listen(tls, 443, ADDRESS);
    client = new OutboundHttpClient(
      guardFor(['localhost', '*.allowed.example', 'https://api.allowed.test/v1/'], pki.caFile),
    );
  });

  afterAll(async () => {
    client?.onModuleDestroy();
    await close(tls);
    await close(canary);
  });

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('calls an allowed https target whose certificate comes from the configured CA', async () => {
    const response = await client.request({ url: 'https://localhost/hello', purpose: 'test' });
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('hello over verified TLS');
    // The same host written with a trailing dot, in capitals and with an explicit :443.
    const again = await client.request({ url: 'https://LOCALHOST.:443/hello', purpose: 'test' });
    expect(again.status).toBe(200);
  });

  describe('SSRF and bypass attempts: refused before any socket, naming target and reason', () => {
    const table = (): [string, string, string][] => [
      [
        'https://evil.example/',
        'https://evil.example/',
        'host evil.example is not on the outbound allowlist',
      ],
      [
        'HTTPS://EVIL.EXAMPLE/',
        'https://evil.example/',
        'host evil.example is not on the outbound allowlist',
      ],
      ['http://localhost/', 'http://localhost/', 'plain http is not allowed (https only)'],
      [
        `https://localhost:${canaryPort}/`,
        `https://localhost:${canaryPort}/`,
        `port ${canaryPort} is not allowed (https targets use port 443)`,
      ],
      ['https://localhost:8443/', 'https://localhost:8443/', 'port 8443 is not allowed'],
      ['https://127.0.0.1/', 'https://127.0.0.1/', 'the host is an IP literal (127.0.0.1)'],
      ['https://2130706433/', 'https://127.0.0.1/', 'the host is an IP literal (127.0.0.1)'],
      ['https://0177.0.0.1/', 'https://127.0.0.1/', 'the host is an IP literal (127.0.0.1)'],
      ['https://0x7f.0.0.1/', 'https://127.0.0.1/', 'the host is an IP literal (127.0.0.1)'],
      ['https://0x7f000001/', 'https://127.0.0.1/', 'the host is an IP literal (127.0.0.1)'],
      ['https://127.1/', 'https://127.0.0.1/', 'the host is an IP literal (127.0.0.1)'],
      ['https://[::1]/', 'https://[::1]/', 'the host is an IP literal ([::1])'],
      [
        'https://[::ffff:127.0.0.1]/',
        'https://[::ffff:7f00:1]/',
        'the host is an IP literal ([::ffff:7f00:1])',
      ],
      [
        'https://169.254.169.254/latest/meta-data/',
        'https://169.254.169.254/latest/meta-data/',
        'IP literal (169.254.169.254)',
      ],
      [
        'https://localhost@evil.example/',
        'https://evil.example/',
        "userinfo ('@' before the host)",
      ],
      ['https://evil@localhost/', 'https://localhost/', "userinfo ('@' before the host)"],
      ['https://@localhost/', 'https://localhost/', "userinfo ('@' before the host)"],
      [
        'https://localhost:443@evil.example/',
        'https://evil.example/',
        "userinfo ('@' before the host)",
      ],
      ['https://localhost\\@evil.example/', 'https://localhost/@evil.example/', 'a backslash'],
      ['https://%6Cocalhost/hello', 'https://localhost/hello', 'the host is percent-encoded'],
      [
        'https://localhost.evil.example/',
        'https://localhost.evil.example/',
        'not on the outbound allowlist',
      ],
      [
        'https://evil.example/localhost',
        'https://evil.example/localhost',
        'host evil.example is not on',
      ],
      ['https://evil.example#@localhost/', 'https://evil.example/', 'host evil.example is not on'],
      ['https://evil.example?@localhost/', 'https://evil.example/', 'host evil.example is not on'],
      ['https:///localhost/hello', 'https://localhost/hello', 'the URL has an empty host'],
      ['https:localhost/hello', 'https://localhost/hello', 'not of the form https://host/path'],
      ['//localhost/hello', '//localhost/hello', 'not an absolute URL'],
      ['https://', 'https://', 'the URL has an empty host'],
      ['https://localhost /', 'https://localhost /', 'whitespace'],
      ['https://local\u0000host/', 'https://local?host/', 'a control character'],
      ['https://localhost../', 'https://localhost../', 'an empty label'],
      [
        'https://l\u043ecalhost/' /* Cyrillic o */,
        'https://xn--lcalhost-nbh/',
        'host xn--lcalhost-nbh is not on',
      ],
      ['https://allowed.example/', 'https://allowed.example/', 'host allowed.example is not on'],
      [
        'https://api.allowed.test/v1x/keys',
        'https://api.allowed.test/v1x/keys',
        'path /v1x/keys is not under a listed URL prefix',
      ],
      [
        'https://api.allowed.test/v1/..%2f..%2fadmin',
        'https://api.allowed.test/v1/..%2f..%2fadmin',
        "encoded '/'",
      ],
      ['file:///etc/passwd', 'file:///etc/passwd', 'scheme file: is not allowed (https only)'],
      ['ftp://localhost/', 'ftp://localhost/', 'scheme ftp: is not allowed'],
      [
        'gopher://localhost:25/_HELO',
        'gopher://localhost:25/_HELO',
        'scheme gopher: is not allowed',
      ],
      ['data:text/plain,secret', 'data:text/plain,secret', 'scheme data: is not allowed'],
      ['javascript:alert(1)', 'javascript:alert(1)', 'scheme javascript: is not allowed'],
    ];

    it('has at least 25 attempts', () => {
      expect(table().length).toBeGreaterThanOrEqual(25);
    });

    it('refuses every attempt with its target and reason, logs it, and opens no connection', async () => {
      const before = { ...hits };
      for (const [url, target, reason] of table()) {
        warn.mockClear();
        const error = await refusalOf(client.request({ url, purpose: 'ssrf-table' }));
        expect({ url, target: error.target }).toEqual({ url, target });
        expect({ url, reason: error.reason }).toEqual({
          url,
          reason: expect.stringContaining(reason),
        });
        expect(error.message).toBe(`outbound call to ${error.target} refused: ${error.reason}`);
        expect(warn).toHaveBeenCalledWith(
          expect.objectContaining({
            target: error.target,
            reason: error.reason,
            purpose: 'ssrf-table',
          }),
        );
      }
      expect(hits).toEqual(before);
    });
  });

  it('refuses a certificate that is not from a trusted CA, even when the caller asks not to verify', async () => {
    tls.setSecureContext({ key: pki.self.keyPem, cert: pki.self.certificatePem });
    tls.closeAllConnections();
    const fresh = new OutboundHttpClient(guardFor(['localhost'], pki.caFile));
    try {
      const error = await refusalOf(
        fresh.request({ url: 'https://localhost/hello', purpose: 'test' }),
      );
      expect(error.target).toBe('https://localhost/hello');
      expect(error.reason).toBe(
        'the TLS certificate was not accepted (DEPTH_ZERO_SELF_SIGNED_CERT)',
      );

      // node:https with the guard's agent and rejectUnauthorized: false still verifies.
      const guard = guardFor(['localhost'], pki.caFile);
      const agent = guard.createHttpsAgent();
      const code = await new Promise<string | undefined>((resolve) => {
        const request = httpsRequest(
          { host: 'localhost', port: 443, path: '/hello', agent, rejectUnauthorized: false },
          () => resolve('answered'),
        );
        request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code));
        request.end();
      });
      agent.destroy();
      expect(code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    } finally {
      fresh.onModuleDestroy();
      tls.setSecureContext({ key: pki.keyPem, cert: pki.certificatePem });
      tls.closeAllConnections();
    }
  });

  it('connects a name pinned in hostAddresses to its address, and still checks the certificate for the name', async () => {
    const settings = Object.assign(new OutboundSettings(), {
      targets: ['pinned.allowed.example'],
      caBundleFile: pki.caFile,
      hostAddresses: { 'pinned.allowed.example': ADDRESS },
    });
    const pinned = new OutboundHttpClient(
      new OutboundGuard(compileOutboundPolicy(settings, 'test')),
    );
    const before = hits.tlsConnections;
    try {
      // The test server's certificate is for `localhost`: reached at the pinned address, it
      // must be refused for the name asked for.
      const error = await refusalOf(
        pinned.request({ url: 'https://pinned.allowed.example/hello', purpose: 'test' }),
      );
      expect(error.reason).toBe(
        'the TLS certificate was not accepted (ERR_TLS_CERT_ALTNAME_INVALID)',
      );
      expect(hits.tlsConnections).toBe(before + 1);
    } finally {
      pinned.onModuleDestroy();
    }
  });

  it('refuses the test CA certificate when the CA bundle is not configured (system roots only)', async () => {
    const systemOnly = new OutboundHttpClient(guardFor(['localhost']));
    try {
      const error = await refusalOf(
        systemOnly.request({ url: 'https://localhost/hello', purpose: 'test' }),
      );
      expect(error.reason).toBe(
        'the TLS certificate was not accepted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
      );
    } finally {
      systemOnly.onModuleDestroy();
    }
  });

  it('refuses a bundle holding a certificate that is no CA (a pinned leaf would bypass the CA check)', () => {
    const leaf = join(pki.dir, 'leaf-as-bundle.pem');
    writeFileSync(leaf, pki.certificatePem);
    expect(() => guardFor(['localhost'], leaf)).toThrow(`certificate 1 in ${leaf} is not a CA`);
  });

  it('never follows a redirect: the 3xx comes back, off-list and listed locations alike', async () => {
    const offList = await client.request({
      url: 'https://localhost/redirect-off-list',
      purpose: 'test',
    });
    expect(offList.status).toBe(302);
    expect(offList.headers.location).toBe(`http://127.0.0.1:${canaryPort}/stolen`);
    const onList = await client.request({
      url: 'https://localhost/redirect-on-list',
      purpose: 'test',
    });
    expect(onList.status).toBe(301);
    expect(hits.canary).toBe(0);
    expect(hits.landing).toBe(0);
  });

  it('limits the response size and the time of a call', async () => {
    await expect(
      client.request({ url: 'https://localhost/big', purpose: 'test', maxResponseBytes: 100_000 }),
    ).rejects.toThrow(
      new OutboundFailedError('https://localhost/big', 'response larger than 100000 bytes'),
    );
    await expect(
      client.request({ url: 'https://localhost/slow', purpose: 'test', timeoutMs: 300 }),
    ).rejects.toThrow(new OutboundTimeoutError('https://localhost/slow', 300));
  });

  it('the guarded agent refuses an off-list host itself, whatever URL the caller built', async () => {
    const guard = guardFor(['localhost'], pki.caFile);
    const agent = guard.createHttpsAgent();
    const before = hits.tlsConnections;
    const attempt = (options: RequestOptions) =>
      new Promise<unknown>((resolve) => {
        const request = httpsRequest(options, () => resolve('answered'));
        request.on('error', resolve);
        request.end();
      });
    const decimal = await attempt({ host: '2130706433', port: 443, agent });
    expect(decimal).toEqual(
      new OutboundRefusedError(
        'https://2130706433:443',
        'the host is an IP literal (127.0.0.1); only DNS names are listed, and an IP never matches one',
      ),
    );
    const unix = await attempt({ host: 'localhost', socketPath: '/var/run/docker.sock', agent });
    expect((unix as OutboundRefusedError).reason).toBe('unix socket paths are not allowed');
    const otherPort = await attempt({ host: 'localhost', port: canaryPort, agent });
    expect((otherPort as OutboundRefusedError).reason).toContain(
      `port ${canaryPort} is not allowed`,
    );
    // A Host header does not change the name the certificate is checked against.
    const allowed = await attempt({
      host: 'localhost',
      path: '/hello',
      headers: { host: 'evil.example' },
      agent,
    });
    expect(allowed).toBe('answered');
    agent.destroy();
    expect(hits.tlsConnections).toBe(before + 1);
    expect(hits.canary).toBe(0);
  });
});
