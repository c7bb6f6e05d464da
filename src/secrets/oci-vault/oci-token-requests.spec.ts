import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as oci from 'oci-common';
import { checkOutboundTarget } from '../../allowlist/outbound/check-outbound-target';
import { compileOutboundPolicy } from '../../allowlist/outbound/targets/outbound-policy';
import { OutboundSettings } from '../../allowlist/outbound/targets/outbound.settings';
import { OCI_AUTH_METHODS } from '../../config/secrets.settings';
import { OCI_TOKEN_REQUESTS, tokenRequestsOutsideGuard } from './oci-token-requests';

const README = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
const SDK_AUTH_DIR = join(dirname(require.resolve('oci-common/package.json')), 'lib', 'auth');

/** The production policy, with the Vault endpoint listed as an operator would list it. */
const POLICY = compileOutboundPolicy(
  Object.assign(new OutboundSettings(), {
    targets: ['secrets.vaults.us-ashburn-1.oci.oraclecloud.com'],
  }),
  'production',
);

const pathOf = (url: string) => new URL(url.replace(/<[^>]+>/g, 'x')).pathname;

function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

/**
 * README says which OCI authentication requests bypass the outbound guard (issue 16). This keeps
 * README, `OCI_TOKEN_REQUESTS` and the installed SDK in step: the list is README's table, the
 * SDK sends nothing else of its own, and what it sends does reach targets the guard refuses.
 */
describe('OCI token requests outside the outbound guard', () => {
  it('README lists exactly these requests, and no longer says nothing can bypass the guard', () => {
    const rows = README.split('\n').filter((line) =>
      OCI_AUTH_METHODS.some((auth) => line.startsWith(`| \`${auth}\` | \``)),
    );
    expect(rows).toEqual(
      OCI_TOKEN_REQUESTS.map(
        (request) => `| \`${request.auth}\` | \`${request.method} ${request.url}\` |`,
      ),
    );
    expect(README).not.toContain('no caller can bypass');
    expect(tokenRequestsOutsideGuard('config-file')).toEqual([]);
    expect(tokenRequestsOutsideGuard('resource-principal')).toEqual([]);
  });

  it('the installed SDK sends with its own client only from the files the list names', () => {
    const senders = readdirSync(SDK_AUTH_DIR)
      .filter((file) => file.endsWith('.js'))
      .filter((file) =>
        readFileSync(join(SDK_AUTH_DIR, file), 'utf8').includes('FetchHttpClient('),
      );
    // Session-token auth (`oci session authenticate`) is no OCI_VAULT_AUTH choice.
    expect(senders.sort()).toEqual(
      [
        ...new Set([
          ...OCI_TOKEN_REQUESTS.map((request) => request.sdkFile),
          'session-auth-details-provider.js',
        ]),
      ].sort(),
    );
  });

  describe('what the SDK sends, over real sockets', () => {
    let dir: string;
    const saved: Record<string, string | undefined> = {};
    const PLATFORM = ['KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT_PROXYMUX'];

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'oci-token-requests-'));
      for (const name of PLATFORM) saved[name] = process.env[name];
    });
    afterEach(() => {
      for (const name of PLATFORM) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
      rmSync(dir, { recursive: true, force: true });
    });

    it('instance-principal: the metadata service and auth service requests, none allowed by the guard', async () => {
      // An instance certificate as the metadata service hands it out (tenancy in an OU).
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '2',
          '-keyout',
          'key.pem',
          '-out',
          'cert.pem',
          '-subj',
          '/CN=ocid1.instance.oc1.iad.test/OU=opc-certtype:instance/OU=opc-tenant:ocid1.tenancy.oc1..test',
        ],
        { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      const files: Record<string, Buffer> = {
        'cert.pem': readFileSync(join(dir, 'cert.pem')),
        'key.pem': readFileSync(join(dir, 'key.pem')),
        'intermediate.pem': readFileSync(join(dir, 'cert.pem')),
      };
      const seen: string[] = [];
      let serveCertificates = false;
      const server = createHttpServer((request, response) => {
        request.resume();
        request.on('end', () => {
          seen.push(`${request.method} ${request.url}`);
          const file = files[String(request.url).split('/').pop() ?? ''];
          if (request.url === '/opc/v2/instance/region') response.end('us-ashburn-1');
          else if (file && serveCertificates) response.end(file);
          else response.writeHead(400).end('{}');
        });
      });
      const base = `http://127.0.0.1:${await listen(server)}`;
      try {
        // Without a federation endpoint the SDK first asks for the region; no certificate then.
        const regionFirst = new oci.InstancePrincipalsAuthenticationDetailsProviderBuilder();
        regionFirst.metadataBaseUrl = `${base}/opc/v2/`;
        await expect(regionFirst.build()).rejects.toThrow(/autoDetectCertificates/);
        // With certificates, the token request (answered 400 here, which the SDK does not retry).
        serveCertificates = true;
        const builder = new oci.InstancePrincipalsAuthenticationDetailsProviderBuilder();
        builder.metadataBaseUrl = `${base}/opc/v2/`;
        builder.federationEndpoint = base;
        const provider = await builder.build();
        await expect(provider.getKeyId()).rejects.toBeDefined();
      } finally {
        server.close();
      }
      const documented = tokenRequestsOutsideGuard('instance-principal').map(
        (request) => `${request.method} ${pathOf(request.url)}`,
      );
      expect([...new Set(seen)].sort()).toEqual([...documented].sort());
      // Each reached a target the guard refuses: the SDK's own client does not ask it.
      expect(checkOutboundTarget(`${base}/opc/v2/instance/region`, POLICY).allowed).toBe(false);
      for (const request of tokenRequestsOutsideGuard('instance-principal')) {
        const url = request.url.replace('<region>', 'us-ashburn-1');
        expect(checkOutboundTarget(url, POLICY).allowed).toBe(false);
      }
    });

    it('oke-workload-identity: one connection to the proxymux, which the guard refuses', async () => {
      const peers: string[] = [];
      const proxymux = createTcpServer((socket) => {
        peers.push(String(socket.remoteAddress));
        socket.destroy();
      });
      const port = await listen(proxymux);
      process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
      process.env.KUBERNETES_SERVICE_PORT_PROXYMUX = String(port);
      writeFileSync(join(dir, 'ca.crt'), 'unused: the connection is refused before TLS completes');
      writeFileSync(join(dir, 'token'), 'service-account-token');
      try {
        const provider =
          new oci.OkeWorkloadIdentityAuthenticationDetailsProvider.OkeWorkloadIdentityAuthenticationDetailsProviderBuilder(
            join(dir, 'ca.crt'),
            join(dir, 'token'),
          ).build();
        await expect(provider.getKeyId()).rejects.toThrow(/Proxymux/);
      } finally {
        proxymux.close();
      }
      expect(peers.length).toBeGreaterThanOrEqual(1);
      const [request] = tokenRequestsOutsideGuard('oke-workload-identity');
      const url = request.url
        .replace('<KUBERNETES_SERVICE_HOST>', '127.0.0.1')
        .replace('<KUBERNETES_SERVICE_PORT_PROXYMUX>', String(port));
      expect(checkOutboundTarget(url, POLICY).allowed).toBe(false);
    });
  });
});
