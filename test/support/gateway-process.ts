import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { prepareStorage } from './test-storage';
import { waitFor } from './wait-for';

const ROOT = join(__dirname, '..', '..');

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Ends the process the hard way: no shutdown hook runs, nothing is flushed. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * The gateway as a separate OS process (`src/main.ts` through ts-node), so a test can SIGKILL it
 * and start it again on the same data directory.
 */
export async function startGatewayProcess(
  env: Record<string, string>,
  port: number,
): Promise<GatewayProcess> {
  let output = '';
  await prepareStorage(env);
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    'the gateway process to listen',
    async () => {
      if (child.exitCode !== null) throw new Error(`gateway exited: ${output}`);
      const response = await fetch(`${url}/health/live`);
      return response.ok ? true : undefined;
    },
    60_000,
    100,
  );
  return {
    child,
    url,
    output: () => output,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * Starts the gateway as its own process and waits for it to exit, as a start-up that must fail
 * does: the operator's view (exit code, what it printed), and nothing the failed start left
 * opening can outlive the process.
 */
export async function runGatewayUntilExit(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ code: number | null; output: string }> {
  await prepareStorage(env);
  let output = '';
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, output };
}
