import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * A test service's async availability check (`check`, exported by test/support/`module`), asked
 * before jest registers a suite's cases (it cannot wait for a promise then), in a child process:
 * the check says on stderr that `suite`'s cases for `service` are skipped, and in CI
 * (`CI=true`) throws, failing the suite.
 */
export function availableSync(
  module: string,
  check: string,
  service: string,
  suite: string,
): boolean {
  const script =
    `require('./test/support/${module}').${check}()` +
    ".then((ok) => process.stdout.write(ok ? 'yes' : 'no'))";
  const answer = execFileSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-e', script],
    { cwd: join(__dirname, '..', '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (answer !== 'yes') process.stderr.write(`${suite}: the ${service} cases are SKIPPED\n`);
  return answer === 'yes';
}
