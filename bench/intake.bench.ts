/**
 * (a) Intake: the gateway's verified, durable intake (worker off) against bare Fastify and the
 * Nest floor, in alternating rounds with CPU per request, to tell the framework's cost from the
 * gateway's own. Method and figures: docs/benchmarks.md, (a).
 * Alone: `npm run bench:intake` (builds first). Part of `npm run bench` (bench/run-all.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/support/free-port';
import { cpuPerRequest, cpuSnapshot, type CpuPerRequest } from './support/cpu-usage';
import { startGateway } from './support/gateway-process';
import { knobs } from './support/knobs';
import { memoryOf, startNode, stopAll, stopEach, untilListening } from './support/processes';
import { median, round, sum, type Target } from './support/stats';
import { load, signedTwilioWebhook, WEBHOOK_PATH, type LoadFigures } from './support/twilio-load';

export interface IntakeSummary {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  p999: number;
  ok: number;
  failed: number;
  /** CPU per answered request, medians of the rounds (Linux only). */
  cpu?: CpuPerRequest;
}

export interface IntakeResult {
  /** Node.js version of the servers and the load generator (one binary for all). */
  node: string;
  connections: number;
  durationS: number;
  rounds: number;
  bare: IntakeSummary;
  /** NestJS + Fastify with the gateway's body handling and an empty handler. */
  nest: IntakeSummary;
  gateway: IntakeSummary;
  /** Nest floor ÷ bare Fastify, of the medians. */
  nestRatio: number;
  /** Gateway req/s ÷ bare Fastify req/s, per round and of the medians. */
  ratioPerRound: number[];
  ratio: number;
  /** The gateway process's resident memory at the end of the rounds (empty store). */
  gatewayRssMB: { end: number; peak: number };
  /**
   * The most the gateway could reach if every core were busy at its measured CPU per request
   * (server and load generator), as a share of bare Fastify's measured rate. Below 50%, no
   * spreading of the same work over more threads or processes could have met the target then.
   */
  gatewayCpuCeiling?: number;
  raw: { bare: Measured[]; nest: Measured[]; gateway: Measured[] };
  targets: Target[];
}

/** Ratios keep a tenth of a percent, as the report prints them. */
const share = (ratio: number): number => Math.round(ratio * 1000) / 1000;

export type Measured = LoadFigures & { cpu?: CpuPerRequest };

function medianCpu(rounds: Measured[]): CpuPerRequest | undefined {
  const cpu = rounds.map((r) => r.cpu).filter((c): c is CpuPerRequest => c !== undefined);
  if (cpu.length === 0) return undefined;
  return {
    serverUs: median(cpu.map((c) => c.serverUs)),
    eventLoopUs: median(cpu.map((c) => c.eventLoopUs)),
    loadGeneratorUs: median(cpu.map((c) => c.loadGeneratorUs)),
    hostBusy: median(cpu.map((c) => c.hostBusy)),
  };
}

export function summarize(figures: Measured[]): IntakeSummary {
  const cpu = medianCpu(figures);
  return {
    ...(cpu ? { cpu } : {}),
    requestsPerSecond: round(median(figures.map((f) => f.requestsPerSecond))),
    p50: median(figures.map((f) => f.p50)),
    p99: median(figures.map((f) => f.p99)),
    p999: median(figures.map((f) => f.p999)),
    ok: sum(figures.map((f) => f.ok)),
    failed: sum(figures.map((f) => f.non2xx + f.errors)),
  };
}

/** One burst of unique signed Twilio webhooks at `url` (no CPU accounting). */
export function sendWebhooks(url: string, seconds: number): Promise<LoadFigures> {
  return load({
    url: url + WEBHOOK_PATH,
    seconds,
    connections: knobs.connections,
    request: signedTwilioWebhook,
  });
}

/** One measured round: the load, and the CPU of server `pid` and of the load generator. */
export async function measureRound(url: string, pid: number, seconds: number): Promise<Measured> {
  const before = cpuSnapshot(pid);
  const figures = await sendWebhooks(url, seconds);
  const cpu = cpuPerRequest(before, cpuSnapshot(pid), figures.ok);
  return cpu ? { ...figures, cpu } : figures;
}

export async function runIntake(): Promise<IntakeResult> {
  const { connections } = knobs;
  const { warmupS, durationS, rounds } = knobs.intake;
  const [barePort, nestPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-intake-'));
  const bare = startNode('bare Fastify', ['bench/bare-fastify.server.cjs', String(barePort)], {});
  const nest = startNode(
    'Nest floor',
    ['-r', 'ts-node/register/transpile-only', 'bench/nest-floor.server.ts', String(nestPort)],
    {},
  );
  const bareUrl = `http://127.0.0.1:${barePort}`;
  const nestUrl = `http://127.0.0.1:${nestPort}`;
  const raw: IntakeResult['raw'] = { bare: [], nest: [], gateway: [] };
  let gatewayRssMB = { end: 0, peak: 0 };
  try {
    await untilListening(bare, `${bareUrl}/health/live`);
    await untilListening(nest, `${nestUrl}/health/live`);
    const gateway = await startGateway({ dataDir, workerEnabled: false });
    try {
      const measured = (url: string, pid: number) => measureRound(url, pid, durationS);
      for (const url of [bareUrl, nestUrl, gateway.url]) await sendWebhooks(url, warmupS);
      for (let i = 0; i < rounds; i += 1) {
        raw.bare.push(await measured(bareUrl, bare.pid));
        raw.nest.push(await measured(nestUrl, nest.pid));
        raw.gateway.push(await measured(gateway.url, gateway.proc.pid));
      }
      const memory = memoryOf(gateway.proc.pid);
      gatewayRssMB = { end: round(memory.rssMB), peak: round(memory.peakMB) };
    } finally {
      await gateway.stop();
    }
  } finally {
    await stopEach([bare, nest]);
    rmSync(dataDir, { recursive: true, force: true });
  }

  const bareSummary = summarize(raw.bare);
  const nestSummary = summarize(raw.nest);
  const gatewaySummary = summarize(raw.gateway);
  const ratio = gatewaySummary.requestsPerSecond / bareSummary.requestsPerSecond;
  const gatewayCpu = gatewaySummary.cpu;
  const gatewayCpuCeiling = gatewayCpu
    ? share(
        (cpus().length * 1e6) /
          (gatewayCpu.serverUs + gatewayCpu.loadGeneratorUs) /
          bareSummary.requestsPerSecond,
      )
    : undefined;
  return {
    node: process.version,
    connections,
    durationS,
    rounds,
    bare: bareSummary,
    nest: nestSummary,
    gateway: gatewaySummary,
    nestRatio: share(nestSummary.requestsPerSecond / bareSummary.requestsPerSecond),
    ratioPerRound: raw.gateway.map((g, i) =>
      share(g.requestsPerSecond / raw.bare[i].requestsPerSecond),
    ),
    ratio: share(ratio),
    gatewayRssMB,
    ...(gatewayCpuCeiling !== undefined ? { gatewayCpuCeiling } : {}),
    raw,
    targets: [
      {
        what: "intake req/s, gateway ÷ bare Fastify's",
        target: '≥ 50%',
        measured: `${(ratio * 100).toFixed(1)}%`,
        met: ratio >= 0.5,
      },
      {
        what: `p99 ack latency, ${connections} concurrent senders`,
        target: '≤ 25 ms',
        measured: `${gatewaySummary.p99} ms`,
        met: gatewaySummary.p99 <= 25,
      },
    ],
  };
}

if (require.main === module) {
  runIntake()
    .then((result) => {
      const { bare, nest, gateway } = result;
      console.log(
        `Intake on Node.js ${result.node}: ${result.connections} connections, ${result.rounds} alternating rounds of ${result.durationS} s (medians)`,
      );
      console.log(
        `bare Fastify: ${bare.requestsPerSecond} req/s, p50/p99/p99.9 ${bare.p50}/${bare.p99}/${bare.p999} ms`,
      );
      console.log(
        `Nest floor:   ${nest.requestsPerSecond} req/s, p50/p99/p99.9 ${nest.p50}/${nest.p99}/${nest.p999} ms (${(result.nestRatio * 100).toFixed(1)}% of bare)`,
      );
      console.log(
        `gateway:      ${gateway.requestsPerSecond} req/s, p50/p99/p99.9 ${gateway.p50}/${gateway.p99}/${gateway.p999} ms`,
      );
      console.log(`per round gateway/bare: ${result.ratioPerRound.join(', ')}`);
      for (const [name, s] of [
        ['bare Fastify', bare],
        ['Nest floor', nest],
        ['gateway', gateway],
      ] as const) {
        if (s.cpu) {
          console.log(
            `${name} CPU per request: server ${s.cpu.serverUs} µs (event loop ${s.cpu.eventLoopUs} µs), load generator ${s.cpu.loadGeneratorUs} µs; host ${(s.cpu.hostBusy * 100).toFixed(0)}% busy`,
          );
        }
      }
      if (result.gatewayCpuCeiling !== undefined) {
        console.log(
          `gateway CPU ceiling (every core busy at this CPU per request): ${(result.gatewayCpuCeiling * 100).toFixed(1)}% of bare Fastify`,
        );
      }
      for (const t of result.targets) {
        console.log(`${t.what}: ${t.measured} (target ${t.target}: ${t.met ? 'met' : 'missed'})`);
      }
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => stopAll().finally(() => process.exit()));
}
