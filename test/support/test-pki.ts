import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real TLS keys and certificates made with the openssl CLI at test time (node:crypto makes keys
 * but no certificates): a test CA and a server certificate it issued for one host.
 */
export interface TlsIdentity {
  /** Where the files are; tests may write more beside them. */
  dir: string;
  /** The test CA's certificate, for `ALLOWLIST_OUTBOUND_CA_BUNDLE_FILE`. */
  caFile: string;
  keyPem: string;
  certificatePem: string;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** `<name>.key` and a self-signed `<name>.pem` for `subject`, valid 2 days, with extensions. */
function selfSigned(dir: string, name: string, subject: string, extensions: string[]): void {
  openssl(dir, [
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-subj',
    subject,
    ...extensions.flatMap((extension) => ['-addext', extension]),
  ]);
}

/**
 * A fresh test CA and a server certificate it issued for `host` (SAN `DNS:<host>`), and for
 * every name in `otherHosts` too (one certificate for a server answering under several names).
 */
export function createTlsIdentity(host: string, otherHosts: readonly string[] = []): TlsIdentity {
  const dir = mkdtempSync(join(tmpdir(), 'test-pki-'));
  selfSigned(dir, 'ca', '/CN=Gateway Test CA', [
    'basicConstraints=critical,CA:TRUE',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  openssl(dir, [
    'req',
    ...EC_KEY,
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    `/CN=${host}`,
  ]);
  const altNames = [...new Set([host, ...otherHosts])].map((name) => `DNS:${name}`).join(',');
  writeFileSync(
    join(dir, 'server.ext'),
    `subjectAltName=${altNames}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
  );
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'server.ext',
  ]);
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    keyPem: readFileSync(join(dir, 'server.key'), 'utf8'),
    certificatePem: readFileSync(join(dir, 'server.pem'), 'utf8'),
  };
}

/** A self-signed server certificate for `host`, which no CA vouches for. */
export function createSelfSignedTls(host: string): { keyPem: string; certificatePem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'test-pki-'));
  selfSigned(dir, 'self', `/CN=${host}`, [`subjectAltName=DNS:${host}`]);
  return {
    keyPem: readFileSync(join(dir, 'self.key'), 'utf8'),
    certificatePem: readFileSync(join(dir, 'self.pem'), 'utf8'),
  };
}
