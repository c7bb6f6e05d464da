/**
 * Child processes of the benchmark (servers under test, the B2C emulator). Each runs on its own
 * event loop, apart from the load generator. Every child is registered so that an error, Ctrl-C
 * or a normal end kills it: a benchmark leaves nothing running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../test/support/wait-for';

export const ROOT = join(__dirname, '..', '..');

const children = new Set<ChildProcess>();

function killAll(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}

process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** Stops every child still running (SIGTERM, then SIGKILL after `graceMs`). */
export async function stopAll(graceMs = 5_000): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** Stops each of `parts` in turn, even when stopping one fails; rethrows the first failure. */
export async function stopEach(parts: readonly { stop(): Promise<void> }[]): Promise<void> {
  let failure: Error | undefined;
  for (const part of parts) {
    try {
      await part.stop();
    } catch (error) {
      failure ??= error instanceof Error ? error : new Error(String(error));
    }
  }
  if (failure !== undefined) throw failure;
}

export interface BenchProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** The last few kB the process wrote, for the error when it dies. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** `node <args>` in the repository root, with only the given environment (plus PATH). */
export function startNode(name: string, args: string[], env: Record<string, string>): BenchProcess {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-8192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      children.delete(child);
      resolve();
    }),
  );
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  return {
    name,
    child,
    pid: child.pid,
    output: () => tail,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** TypeScript under ts-node (bench helpers and the emulator, which `nest build` leaves out). */
export function startTsNode(
  name: string,
  file: string,
  args: string[],
  env: Record<string, string>,
): BenchProcess {
  return startNode(name, ['-r', 'ts-node/register/transpile-only', file, ...args], env);
}

/** Waits until `url` answers below 500, or fails with what the process wrote. */
export async function untilListening(proc: BenchProcess, url: string): Promise<void> {
  await waitFor(
    `${proc.name} to listen on ${url}`,
    async () => {
      if (proc.child.exitCode !== null) {
        throw new Error(`${proc.name} exited with ${proc.child.exitCode}`);
      }
      return (await fetch(url)).status < 500 ? true : undefined;
    },
    60_000,
    100,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${proc.output()}`);
  });
}

/** In MB (10^6 bytes), the unit of the targets. */
export interface Memory {
  /** Resident set size now. */
  rssMB: number;
  /** Highest resident set size since the process started (VmHWM). */
  peakMB: number;
}

/** From /proc/<pid>/status (Linux). */
export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
    return Number(match[1]);
  };
  return { rssMB: (kib('VmRSS') * 1024) / 1e6, peakMB: (kib('VmHWM') * 1024) / 1e6 };
}

/** Samples a process's RSS every `everyMs` until stopped; returns the highest sample. */
export function sampleRss(pid: number, everyMs = 200): { stop(): number } {
  let highest = memoryOf(pid).rssMB;
  const timer = setInterval(() => {
    try {
      highest = Math.max(highest, memoryOf(pid).rssMB);
    } catch {
      // The process has gone; the caller finds out from the process itself.
    }
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return highest;
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
