import { execFileSync } from 'node:child_process';

/**
 * Whether this process may listen on `address`:`port` (free, and a privileged port allowed),
 * asked before jest registers a suite's cases (it cannot wait for a promise then), in a child
 * process. When not, says on stderr that `suite` is SKIPPED and why; in CI (`CI=true`) throws
 * instead, failing the suite, so a skip never passes unnoticed there.
 */
export function canListenSync(address: string, port: number, suite: string): boolean {
  const script =
    "const server = require('node:net').createServer();" +
    "server.once('error', (error) => process.stdout.write(error.code || error.message));" +
    `server.listen(${port}, ${JSON.stringify(address)}, () => server.close(() => process.stdout.write('yes')));`;
  const answer = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (answer === 'yes') return true;
  const reason =
    `${suite}: cannot listen on ${address}:${port} (${answer}); ` +
    (answer === 'EACCES'
      ? `port ${port} needs root or CAP_NET_BIND_SERVICE`
      : 'another process holds it');
  if (process.env.CI === 'true') throw new Error(reason);
  process.stderr.write(`${reason}: SKIPPED\n`);
  return false;
}
