/**
 * (c) Drain: how close the worker comes to the configured B2C rate limit
 * (`b2c.rateLimitPerSecond`) while a backlog waits, counted at the emulator over a measured
 * window; rate 0 shows what the worker reaches unlimited. Method and figures:
 * docs/benchmarks.md, (c).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../test/support/wait-for';
import { startEmulatorProcess } from './support/emulator-process';
import { fillInbox } from './support/fill-inbox';
import { startGateway } from './support/gateway-process';
import { knobs } from './support/knobs';
import { sleep } from './support/processes';
import { round, type Target } from './support/stats';

export interface DrainRun {
  /** Configured b2c.rateLimitPerSecond; 0 = no limit. */
  rateLimitPerSecond: number;
  windowS: number;
  incidentsPerSecond: number;
  b2cRequestsPerSecond: number;
  /** B2C requests per incident (3 for a new sender: lookup, contact, incident). */
  requestsPerIncident: number;
  /** B2C requests/s ÷ configured rate; undefined without a limit. */
  ratio?: number;
  /** Messages still waiting at the end: > 0 means the worker never ran dry. */
  backlogLeft: number;
  errors: number;
}

export interface DrainResult {
  latencyMs: number;
  concurrency: number;
  runs: DrainRun[];
  targets: Target[];
}

/** Incidents per second the worker reaches with no limit, generously (to size the backlog). */
const UNLIMITED_ESTIMATE = 150;

async function drainAt(rate: number): Promise<DrainRun> {
  const { latencyMs, warmupS, windowS, concurrency } = knobs.drain;
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-drain-'));
  const emulator = await startEmulatorProcess();
  try {
    await emulator.setLatency(latencyMs);
    const perSecond = rate > 0 ? rate / 3 : UNLIMITED_ESTIMATE;
    const messages = Math.ceil(perSecond * (warmupS + windowS + 15) * 1.3);
    fillInbox(join(dataDir, 'inbox.sqlite'), messages, `d${rate.toString(16)}`);
    const gateway = await startGateway({
      dataDir,
      b2cUrl: emulator.url,
      workerEnabled: true,
      env: {
        B2C_RATE_LIMIT_PER_SECOND: String(rate),
        WORKER_CONCURRENCY: String(concurrency),
      },
    });
    try {
      await waitFor('the first incident', async () =>
        (await emulator.incidentCount()) > 0 ? true : undefined,
      );
      await sleep(warmupS * 1000);
      await emulator.control.clearRequests();
      const startedAt = Date.now();
      const incidentsBefore = await emulator.incidentCount();
      await sleep(windowS * 1000);
      const incidentsAfter = await emulator.incidentCount();
      const endedAt = Date.now();
      const requests = (await emulator.control.requests()).filter((request) => {
        const at = Date.parse(request.at);
        return at >= startedAt && at <= endedAt;
      });
      const seconds = (endedAt - startedAt) / 1000;
      const incidents = incidentsAfter - incidentsBefore;
      const b2cRequestsPerSecond = requests.length / seconds;
      return {
        rateLimitPerSecond: rate,
        windowS: round(seconds),
        incidentsPerSecond: round(incidents / seconds),
        b2cRequestsPerSecond: round(b2cRequestsPerSecond),
        requestsPerIncident: round(requests.length / Math.max(1, incidents)),
        ratio: rate > 0 ? round(b2cRequestsPerSecond / rate) : undefined,
        backlogLeft: messages - incidentsAfter,
        errors: requests.filter((request) => request.status !== null && request.status >= 400)
          .length,
      };
    } finally {
      await gateway.stop();
    }
  } finally {
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runDrain(): Promise<DrainResult> {
  const runs: DrainRun[] = [];
  for (const rate of knobs.drain.rates) runs.push(await drainAt(rate));
  return {
    latencyMs: knobs.drain.latencyMs,
    concurrency: knobs.drain.concurrency,
    runs,
    targets: runs
      .filter((run) => run.ratio !== undefined)
      .map((run) => ({
        what: `drain at b2c.rateLimitPerSecond = ${run.rateLimitPerSecond}: B2C requests/s ÷ rate`,
        target: '≥ 95%',
        measured: `${((run.ratio ?? 0) * 100).toFixed(1)}%`,
        met: (run.ratio ?? 0) >= 0.95 && run.backlogLeft > 0,
      })),
  };
}
