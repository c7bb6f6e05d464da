import { readFileSync } from 'node:fs';
import { arch, cpus, loadavg, release, totalmem, type } from 'node:os';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  date: string;
  /** 1, 5 and 15 minute load averages when the run started and ended. */
  loadAtStart: number[];
  loadAtEnd?: number[];
}

function osName(): string {
  try {
    const match = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (match) return `${match[1]} (${type()} ${release()}, ${arch()})`;
  } catch {
    // Not Linux, or no os-release: the kernel line is enough.
  }
  return `${type()} ${release()} (${arch()})`;
}

export function describeMachine(): Machine {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: osName(),
    date: new Date().toISOString(),
    loadAtStart: loadNow(),
  };
}

export const loadNow = () => loadavg().map((value) => Math.round(value * 100) / 100);
