/**
 * (a) Intake: bare Fastify (trivial handler) vs the gateway's verified, durable intake, in the
 * same run, with the same load generator sending unique, correctly signed Twilio webhooks. A
 * third server, NestJS on Fastify doing nothing (bench/nest-floor.server.ts), shows how much of
 * the gap is the framework and how much the gateway's own work. Rounds alternate between the
 * servers, so a machine whose speed drifts (shared hosts do) affects all alike; the medians of
 * the rounds are reported.
 *
 * The gateway's worker is off: this measures intake alone (verify, parse, commit with fsync, ack).
 * Alone: `npm run bench:intake` (builds first). Part of `npm run bench` (bench/run-all.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/support/free-port';
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
}

export interface IntakeResult {
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
  raw: { bare: LoadFigures[]; nest: LoadFigures[]; gateway: LoadFigures[] };
  targets: Target[];
}

function summarize(figures: LoadFigures[]): IntakeSummary {
  return {
    requestsPerSecond: round(median(figures.map((f) => f.requestsPerSecond))),
    p50: median(figures.map((f) => f.p50)),
    p99: median(figures.map((f) => f.p99)),
    p999: median(figures.map((f) => f.p999)),
    ok: sum(figures.map((f) => f.ok)),
    failed: sum(figures.map((f) => f.non2xx + f.errors)),
  };
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
      const run = (url: string, seconds: number) =>
        load({ url: url + WEBHOOK_PATH, seconds, connections, request: signedTwilioWebhook });
      for (const url of [bareUrl, nestUrl, gateway.url]) await run(url, warmupS);
      for (let i = 0; i < rounds; i += 1) {
        raw.bare.push(await run(bareUrl, durationS));
        raw.nest.push(await run(nestUrl, durationS));
        raw.gateway.push(await run(gateway.url, durationS));
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
  return {
    connections,
    durationS,
    rounds,
    bare: bareSummary,
    nest: nestSummary,
    gateway: gatewaySummary,
    nestRatio: round(nestSummary.requestsPerSecond / bareSummary.requestsPerSecond),
    ratioPerRound: raw.gateway.map((g, i) =>
      round(g.requestsPerSecond / raw.bare[i].requestsPerSecond),
    ),
    ratio: round(ratio),
    gatewayRssMB,
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
        `Intake: ${result.connections} connections, ${result.rounds} alternating rounds of ${result.durationS} s (medians)`,
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
