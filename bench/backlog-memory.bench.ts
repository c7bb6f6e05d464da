/**
 * (d) Memory with a large backlog: the gateway's resident memory while 1,000,000 messages wait in
 * its store and B2C is down (so the worker walks the backlog as in an outage), and its intake
 * rate meanwhile. Method and figures: docs/benchmarks.md, (d).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulatorProcess } from './support/emulator-process';
import { fillInbox, type FillResult } from './support/fill-inbox';
import { startGateway } from './support/gateway-process';
import { knobs } from './support/knobs';
import { memoryOf, sampleRss, sleep } from './support/processes';
import { probeStoreQueries, type StoreQueryTimings } from './support/store-query-probe';
import { round, type Target } from './support/stats';
import { load, signedTwilioWebhook, WEBHOOK_PATH, type LoadFigures } from './support/twilio-load';

export interface BacklogResult {
  fill: FillResult;
  /** The worker's store queries on this backlog, timed before the gateway starts. */
  storeQueries: StoreQueryTimings;
  /** From spawning the gateway to its answering /health/live, s. */
  startupS: number;
  rssMB: {
    afterStart: number;
    /** Highest sample during the intake load. */
    duringIntake: number;
    /** After the load, once things settle. */
    steady: number;
    /** VmHWM: the highest RSS of the process's whole life. */
    peak: number;
  };
  intake: LoadFigures;
  /** Worker attempts B2C refused during the run: the backlog was being walked, not ignored. */
  b2cAttempts: number;
  incidents: number;
  targets: Target[];
}

const TARGET_MB = 300;

export async function runBacklog(): Promise<BacklogResult> {
  const { messages, intakeS, settleS } = knobs.backlog;
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-backlog-'));
  const emulator = await startEmulatorProcess();
  try {
    const file = join(dataDir, 'inbox.sqlite');
    const fill = fillInbox(file, messages, 'b10c');
    const storeQueries = await probeStoreQueries(file);
    // A site that is down behind its load balancer: every call fails, none is throttling.
    await emulator.control.addFault({ status: 502 });
    const spawnedAt = Date.now();
    const gateway = await startGateway({ dataDir, b2cUrl: emulator.url, workerEnabled: true });
    const startupS = (Date.now() - spawnedAt) / 1000;
    try {
      const { pid } = gateway.proc;
      await sleep(settleS * 1000);
      const afterStart = memoryOf(pid).rssMB;
      const sampler = sampleRss(pid);
      await load({
        url: gateway.url + WEBHOOK_PATH,
        seconds: knobs.intake.warmupS,
        connections: knobs.connections,
        request: signedTwilioWebhook,
      });
      const intake = await load({
        url: gateway.url + WEBHOOK_PATH,
        seconds: intakeS,
        connections: knobs.connections,
        request: signedTwilioWebhook,
      });
      const duringIntake = sampler.stop();
      await sleep(settleS * 1000);
      const { rssMB: steady, peakMB: peak } = memoryOf(pid);
      const b2cAttempts = (await emulator.control.requests()).length;
      const incidents = await emulator.incidentCount();
      return {
        fill: { ...fill, seconds: round(fill.seconds), fileMB: round(fill.fileMB) },
        storeQueries,
        startupS: round(startupS),
        rssMB: {
          afterStart: round(afterStart),
          duringIntake: round(duringIntake),
          steady: round(steady),
          peak: round(peak),
        },
        intake,
        b2cAttempts,
        incidents,
        targets: [
          {
            what: `peak RSS with ${messages.toLocaleString('en-US')} messages waiting`,
            target: `≤ ${TARGET_MB} MB`,
            measured: `${round(peak)} MB`,
            met: peak <= TARGET_MB,
          },
        ],
      };
    } finally {
      await gateway.stop();
    }
  } finally {
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
