/**
 * A loopback address of this process's own: on Linux all of 127.0.0.0/8 is loopback, and suites
 * run in parallel jest workers, each with a server that must answer under a vendor's real host
 * name on port 443 (https targets are port 443 only). One fixed address would make the second
 * suite fail with EADDRINUSE, and 127.0.0.1:443 may be held by anything else on the machine.
 *
 * `block` keeps servers of the same process apart: block 0 (127.100-149.x.x) for the aws-sns
 * kit, block 1 (127.150-199.x.x) for the send stand-ins, block 2 (127.200-249.x.x) for the
 * outbound guard's TLS spec.
 */
export function loopbackAddress(pid: number, block: 0 | 1 | 2 = 0): string {
  const n = pid % (50 * 250 * 250);
  const second = 100 + block * 50 + Math.floor(n / 62_500);
  return `127.${second}.${(Math.floor(n / 250) % 250) + 1}.${(n % 250) + 2}`;
}
