/**
 * CPU time per answered request, for the intake benchmark: of the server (all its threads: event
 * loop, SQLite, V8's GC helpers), of its event-loop thread alone, and of the load generator (this
 * process), plus how busy the whole host was. Req/s alone cannot say whether a server is short of
 * CPU or waiting; these figures can. Linux only (/proc); elsewhere `undefined`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface CpuSnapshot {
  serverTicks: number;
  eventLoopTicks: number;
  loadGeneratorUs: number;
  hostBusyTicks: number;
  hostTotalTicks: number;
}

export interface CpuPerRequest {
  /** µs of CPU per answered request, all of the server's threads. */
  serverUs: number;
  /** µs per answered request on the server's event-loop (main) thread. */
  eventLoopUs: number;
  /** µs per request in the load generator (autocannon, signing each webhook). */
  loadGeneratorUs: number;
  /** Share of all cores busy during the round, everything on the host included. */
  hostBusy: number;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      ticksPerSecond = 100; // USER_HZ on every common Linux build
    }
  }
  return ticksPerSecond;
}

/** utime + stime from a /proc stat line; the command name may itself contain spaces or ')'. */
function ticksOf(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export function cpuSnapshot(serverPid: number): CpuSnapshot | undefined {
  try {
    const host = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = host.map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    const own = process.cpuUsage();
    return {
      serverTicks: ticksOf(`/proc/${serverPid}/stat`),
      eventLoopTicks: ticksOf(`/proc/${serverPid}/task/${serverPid}/stat`),
      loadGeneratorUs: own.user + own.system,
      hostBusyTicks: busy,
      hostTotalTicks: busy + idle + iowait,
    };
  } catch {
    return undefined;
  }
}

export function cpuPerRequest(
  before: CpuSnapshot | undefined,
  after: CpuSnapshot | undefined,
  requests: number,
): CpuPerRequest | undefined {
  if (!before || !after || requests <= 0) return undefined;
  const usPerTick = 1e6 / clockTicks();
  const perRequest = (ticks: number) => Math.round((ticks * usPerTick) / requests);
  return {
    serverUs: perRequest(after.serverTicks - before.serverTicks),
    eventLoopUs: perRequest(after.eventLoopTicks - before.eventLoopTicks),
    loadGeneratorUs: Math.round((after.loadGeneratorUs - before.loadGeneratorUs) / requests),
    hostBusy:
      Math.round(
        ((after.hostBusyTicks - before.hostBusyTicks) /
          (after.hostTotalTicks - before.hostTotalTicks)) *
          1000,
      ) / 1000,
  };
}
