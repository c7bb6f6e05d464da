/**
 * Several gateway processes on one PostgreSQL database, delivering to one B2C emulator that
 * takes `BENCH_DRAIN_LATENCY_MS` (20 ms) per call:
 *
 *   (f) drain scaling: a backlog of new senders' messages (three B2C calls each) drained by 1, 2
 *       and 3 processes in turn, without a rate limit; the time from the backlog's commit to the
 *       last message delivered.
 *   (g) rate adherence: 3 processes sharing `B2C_RATE_LIMIT_PER_SECOND=50`; the B2C requests
 *       the emulator received, by arrival time: the highest 1-second window and the sustained
 *       rate.
 *
 * The backlog is written after the processes settle, so start-up is not timed. Method and
 * figures: docs/benchmarks.md, "Several processes on PostgreSQL", (f) and (g).
 *
 * Alone: `npm run -s build && ts-node --transpile-only bench/postgres-processes.bench.ts [f|g]`.
 * Part of `npm run bench` (bench/run-all.ts, scenarios f and g).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultBurst } from '../src/delivery/flow-control/gcra';
import { sampleValue } from '../test/support/prometheus-text';
import { startEmulatorProcess, type EmulatorProcess } from './support/emulator-process';
import { startGateway, type GatewayProcess } from './support/gateway-process';
import { knobs } from './support/knobs';
import {
  benchSchema,
  fillPostgresInbox,
  inboxProgress,
  withClient,
  type BenchSchema,
  type InboxProgress,
  type PostgresFill,
} from './support/postgres-bench';
import { sleep, stopAll, stopEach } from './support/processes';
import { round, type Target } from './support/stats';

const ADMIN_TOKEN = randomBytes(16).toString('hex');
/** Left to the processes after they listen: start-up work (JIT, first connections) settles. */
const SETTLE_MS = 2_000;

interface Cluster {
  schema: BenchSchema;
  emulator: EmulatorProcess;
  gateways: GatewayProcess[];
  stop(): Promise<void>;
}

/** A fresh schema, a fresh emulator at the drain latency, and `count` gateways on both. */
async function startCluster(
  label: string,
  count: number,
  env: Record<string, string>,
): Promise<Cluster> {
  const schema = await benchSchema(label);
  const dataDirs: string[] = [];
  const gateways: GatewayProcess[] = [];
  let emulator: EmulatorProcess | undefined;
  const stop = async () => {
    try {
      await stopEach([...gateways, ...(emulator ? [emulator] : [])]);
    } finally {
      await schema.drop().catch(() => undefined);
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    emulator = await startEmulatorProcess();
    await emulator.setLatency(knobs.drain.latencyMs);
    const b2cUrl = emulator.url;
    const started = await Promise.allSettled(
      Array.from({ length: count }, () => {
        const dataDir = mkdtempSync(join(tmpdir(), `bench-pg-${label}-`));
        dataDirs.push(dataDir);
        return startGateway({
          dataDir,
          b2cUrl,
          workerEnabled: true,
          env: {
            STORAGE_DRIVER: 'postgres',
            DATABASE_URL: schema.url,
            WORKER_CONCURRENCY: String(knobs.drain.concurrency),
            ADMIN_MODE: 'token',
            ADMIN_TOKEN,
            ...env,
          },
        });
      }),
    );
    for (const outcome of started) if (outcome.status === 'fulfilled') gateways.push(outcome.value);
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    await sleep(SETTLE_MS);
    return { schema, emulator, gateways, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Messages this process delivered, from its own metrics; undefined if they cannot be read. */
async function deliveredBy(gateway: GatewayProcess): Promise<number | undefined> {
  try {
    const response = await fetch(`${gateway.url}/admin/metrics`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    if (!response.ok) return undefined;
    return (
      sampleValue(
        await response.text(),
        'gateway_deliveries_total{vendor="twilio",outcome="delivered"}',
      ) ?? 0
    );
  } catch {
    return undefined;
  }
}

async function deliveredPerProcess(gateways: GatewayProcess[]): Promise<number[] | undefined> {
  const counts = await Promise.all(gateways.map(deliveredBy));
  return counts.every((count): count is number => count !== undefined) ? counts : undefined;
}

/** Waits until no message is pending; fails after `timeoutMs`. */
async function untilDrained(url: string, timeoutMs: number): Promise<InboxProgress> {
  return withClient(url, async (client) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const progress = await inboxProgress(client);
      if (progress.pending === 0) return progress;
      if (Date.now() > deadline) {
        throw new Error(
          `the backlog was not drained within ${timeoutMs / 1000} s: ${JSON.stringify(progress)}`,
        );
      }
      await sleep(100);
    }
  });
}

const isError = (request: { status: number | null }) =>
  request.status !== null && request.status >= 400;

// ---------------------------------------------------------------------------------------------
// (f) drain scaling

export interface DrainScalingRun {
  processes: number;
  messages: number;
  /** Writing the backlog (one transaction), s. */
  fillS: number;
  /** From the backlog's commit to the last message finished, s. */
  drainS: number;
  messagesPerSecond: number;
  b2cRequestsPerSecond: number;
  delivered: number;
  dead: number;
  /** Incidents in the emulator beyond one per message: deliveries made twice. */
  duplicateIncidents: number;
  b2cErrors: number;
  /** Messages each process delivered (its gateway_deliveries_total), when readable. */
  deliveredPerProcess?: number[];
}

export interface DrainScalingResult {
  latencyMs: number;
  concurrency: number;
  messages: number;
  runs: DrainScalingRun[];
  /** Drain time with 1 process ÷ with n processes, for n = 2, 3 (when both ran). */
  speedup: Record<string, number>;
  targets: Target[];
}

/** The target: two processes drain at least 1.8× as fast as one. */
export const TWO_PROCESS_SPEEDUP_TARGET = 1.8;

async function drainWith(processes: number): Promise<DrainScalingRun> {
  const messages = knobs.postgres.drainMessages;
  const cluster = await startCluster(`drain${processes}`, processes, {
    B2C_RATE_LIMIT_PER_SECOND: '0',
  });
  try {
    await cluster.emulator.control.clearRequests();
    const fill: PostgresFill = await fillPostgresInbox(
      cluster.schema.url,
      messages,
      `f${processes}${randomBytes(2).toString('hex')}`,
    );
    const progress = await untilDrained(cluster.schema.url, Math.max(60, messages / 5) * 1000);
    const drainS = ((progress.lastFinishedAt ?? Date.now()) - fill.committedAt) / 1000;
    const requests = await cluster.emulator.control.requests();
    const incidents = await cluster.emulator.incidentCount();
    const finished = progress.delivered + progress.skipped;
    return {
      processes,
      messages,
      fillS: round(fill.seconds),
      drainS: round(drainS),
      messagesPerSecond: round(finished / drainS),
      b2cRequestsPerSecond: round(requests.length / drainS),
      delivered: progress.delivered,
      dead: progress.dead,
      duplicateIncidents: Math.max(0, incidents - finished),
      b2cErrors: requests.filter(isError).length,
      ...(await deliveredPerProcess(cluster.gateways).then((counts) =>
        counts ? { deliveredPerProcess: counts } : {},
      )),
    };
  } finally {
    await cluster.stop();
  }
}

export async function runDrainScaling(): Promise<DrainScalingResult> {
  const runs: DrainScalingRun[] = [];
  for (const processes of knobs.postgres.drainProcesses) runs.push(await drainWith(processes));
  const one = runs.find((run) => run.processes === 1);
  const speedup: Record<string, number> = {};
  for (const run of runs) {
    if (one && run.processes > 1) speedup[String(run.processes)] = round(one.drainS / run.drainS);
  }
  const two = speedup['2'];
  const clean = runs.every((run) => run.dead === 0 && run.duplicateIncidents === 0);
  return {
    latencyMs: knobs.drain.latencyMs,
    concurrency: knobs.drain.concurrency,
    messages: knobs.postgres.drainMessages,
    runs,
    speedup,
    targets:
      two === undefined
        ? []
        : [
            {
              what: 'drain on PostgreSQL, no rate limit: 2 processes ÷ 1 (speed-up)',
              target: `≥ ${TWO_PROCESS_SPEEDUP_TARGET}×`,
              measured: `${two}×`,
              met: two >= TWO_PROCESS_SPEEDUP_TARGET && clean,
            },
          ],
  };
}

// ---------------------------------------------------------------------------------------------
// (g) rate adherence

export interface RateAdherenceResult {
  rateLimitPerSecond: number;
  /** The limiter's bucket: requests that may go out together after an idle moment. */
  burst: number;
  processes: number;
  latencyMs: number;
  concurrency: number;
  messages: number;
  warmupS: number;
  windowS: number;
  /** Every B2C request of the run (from the backlog's commit to the end of the window). */
  requests: number;
  /** The most requests that arrived within any 1 s, and when it began (s after the commit). */
  highestSecond: { requests: number; atS: number };
  /** The same over 100 ms, where a burst would show. */
  highest100ms: number;
  /** B2C requests/s over the window after the warm-up. */
  sustainedPerSecond: number;
  /** Sustained ÷ the limit. */
  ratio: number;
  /** Requests in each whole second of the window (emulator arrival times). */
  perSecond: number[];
  incidentsPerSecond: number;
  /** Messages still pending at the end: > 0 means the processes never ran dry. */
  backlogLeft: number;
  b2cErrors: number;
  deliveredPerProcess?: number[];
  targets: Target[];
}

/**
 * The busiest second's figures: what the schedule alone lets into a half-open second (the limit
 * plus its bucket, less one) and the bound for the shared rate ("holds within 10%").
 */
export function busiestSecondBounds(
  rateLimit: number,
  burst: number,
): { schedule: number; bound: number } {
  return { schedule: rateLimit + burst - 1, bound: Math.floor(rateLimit * 1.1) };
}

/** The most arrivals in any window of `widthMs` (half-open), over sorted times. */
export function highestWindow(sortedMs: number[], widthMs: number): { count: number; at: number } {
  let best = { count: 0, at: sortedMs[0] ?? 0 };
  let end = 0;
  for (let start = 0; start < sortedMs.length; start += 1) {
    while (end < sortedMs.length && sortedMs[end] < sortedMs[start] + widthMs) end += 1;
    if (end - start > best.count) best = { count: end - start, at: sortedMs[start] };
  }
  return best;
}

export async function runRateAdherence(): Promise<RateAdherenceResult> {
  const { rateLimit, rateProcesses, rateWarmupS, rateWindowS } = knobs.postgres;
  if (!(rateLimit > 0)) throw new Error('BENCH_PG_RATE_LIMIT must be > 0');
  // Three calls per message; enough that the backlog outlasts the window by far.
  const messages = Math.ceil((rateLimit / 3) * (rateWarmupS + rateWindowS + 10) * 1.3);
  const cluster = await startCluster('rate', rateProcesses, {
    B2C_RATE_LIMIT_PER_SECOND: String(rateLimit),
  });
  try {
    await cluster.emulator.control.clearRequests();
    const fill = await fillPostgresInbox(
      cluster.schema.url,
      messages,
      `g${randomBytes(2).toString('hex')}`,
    );
    const windowStart = fill.committedAt + rateWarmupS * 1000;
    const incidentsAt = async () => cluster.emulator.incidentCount();
    await sleep(windowStart - Date.now());
    const incidentsBefore = await incidentsAt();
    const measuredFrom = Date.now();
    await sleep(rateWindowS * 1000);
    const measuredTo = Date.now();
    const incidentsAfter = await incidentsAt();
    const requests = await cluster.emulator.control.requests();
    const progress = await withClient(cluster.schema.url, inboxProgress);
    const delivered = await deliveredPerProcess(cluster.gateways);

    const times = requests
      .map((request) => Date.parse(request.at))
      .filter((at) => at >= fill.committedAt && at <= measuredTo)
      .sort((a, b) => a - b);
    const highest = highestWindow(times, 1000);
    const inWindow = times.filter((at) => at >= measuredFrom && at < measuredTo);
    const seconds = (measuredTo - measuredFrom) / 1000;
    const perSecond = Array.from({ length: Math.floor(seconds) }, (_, i) => {
      const from = measuredFrom + i * 1000;
      return inWindow.filter((at) => at >= from && at < from + 1000).length;
    });
    const sustained = inWindow.length / seconds;
    const burst = defaultBurst(rateLimit);
    const { schedule, bound } = busiestSecondBounds(rateLimit, burst);
    const ratio = sustained / rateLimit;
    const backlogLeft = progress.pending;
    return {
      rateLimitPerSecond: rateLimit,
      burst,
      processes: rateProcesses,
      latencyMs: knobs.drain.latencyMs,
      concurrency: knobs.drain.concurrency,
      messages,
      warmupS: rateWarmupS,
      windowS: round(seconds),
      requests: times.length,
      highestSecond: {
        requests: highest.count,
        atS: round((highest.at - fill.committedAt) / 1000),
      },
      highest100ms: highestWindow(times, 100).count,
      sustainedPerSecond: round(sustained),
      ratio: Math.round(ratio * 1000) / 1000,
      perSecond,
      incidentsPerSecond: round((incidentsAfter - incidentsBefore) / seconds),
      backlogLeft,
      b2cErrors: requests.filter(isError).length,
      ...(delivered ? { deliveredPerProcess: delivered } : {}),
      targets: [
        {
          what:
            `shared limit of ${rateLimit} B2C requests/s over ${rateProcesses} processes: ` +
            'highest 1-s window',
          // What the emulator sees above the schedule is the send path's jitter
          // (docs/benchmarks.md, (g)).
          target: `≤ ${bound} (limit + 10%; the schedule's own: ${schedule})`,
          measured: String(highest.count),
          met: highest.count <= bound,
        },
        {
          what:
            `shared limit of ${rateLimit} B2C requests/s over ${rateProcesses} processes: ` +
            'sustained requests/s ÷ limit',
          target: '≥ 95%',
          measured: `${(ratio * 100).toFixed(1)}%`,
          met: ratio >= 0.95 && backlogLeft > 0,
        },
      ],
    };
  } finally {
    await cluster.stop();
  }
}

if (require.main === module) {
  const which = process.argv[2] ?? 'fg';
  (async () => {
    if (which.includes('f')) {
      const f = await runDrainScaling();
      console.log(
        `Drain on PostgreSQL (Node.js ${process.version}), ${f.messages} messages, B2C at ` +
          `${f.latencyMs} ms per call, worker concurrency ${f.concurrency}, no rate limit:`,
      );
      for (const run of f.runs) {
        console.log(
          `  ${run.processes} process(es): ${run.drainS} s, ${run.messagesPerSecond} messages/s, ` +
            `${run.b2cRequestsPerSecond} B2C requests/s; per process ` +
            `${run.deliveredPerProcess?.join(' / ') ?? '?'}; dead ${run.dead}, duplicates ` +
            `${run.duplicateIncidents}, B2C errors ${run.b2cErrors}`,
        );
      }
      console.log(`  speed-up over 1 process: ${JSON.stringify(f.speedup)}`);
      for (const t of f.targets) {
        console.log(`${t.what}: ${t.measured} (target ${t.target}: ${t.met ? 'met' : 'missed'})`);
      }
    }
    if (which.includes('g')) {
      const g = await runRateAdherence();
      console.log(
        `Rate adherence (Node.js ${process.version}): ${g.processes} processes sharing ` +
          `${g.rateLimitPerSecond}/s (burst ${g.burst}): highest 1 s ${g.highestSecond.requests} ` +
          `(at ${g.highestSecond.atS} s), highest 100 ms ${g.highest100ms}, sustained ` +
          `${g.sustainedPerSecond}/s over ${g.windowS} s; per second ${g.perSecond.join(' ')}; ` +
          `per process ${g.deliveredPerProcess?.join(' / ') ?? '?'}; backlog left ${g.backlogLeft}`,
      );
      for (const t of g.targets) {
        console.log(`${t.what}: ${t.measured} (target ${t.target}: ${t.met ? 'met' : 'missed'})`);
      }
    }
  })()
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => stopAll().finally(() => process.exit()));
}
