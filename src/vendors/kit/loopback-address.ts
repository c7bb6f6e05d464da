/**
 * A loopback address of this process's own: on Linux all of 127.0.0.0/8 is loopback, and suites
 * run in parallel jest workers, each with a server that must answer under a vendor's real host
 * name on port 443 (https targets are port 443 only). One fixed address would make the second
 * suite fail with EADDRINUSE.
 *
 * `block` keeps two servers of the same process apart: block 0 (127.100-159.x.x) is the address
 * the aws-sns kit has always used, block 1 (127.160-219.x.x) the send stand-ins.
 */
export function loopbackAddress(pid: number, block: 0 | 1 = 0): string {
  const n = pid % (60 * 250 * 250);
  const second = 100 + block * 60 + Math.floor(n / 62_500);
  return `127.${second}.${(Math.floor(n / 250) % 250) + 1}.${(n % 250) + 2}`;
}
