/**
 * (b) The seed's synchronous design (bench/seed-sync.server.ts: every B2C call inside the
 * request) vs the gateway's acknowledgement (commit, then answer), under the same paced load:
 * phase 1 with B2C at 50 ms per call (ack latency), phase 2 at 5 s per call (what the vendor sees,
 * incidents the seed makes for webhooks already failed, the gateway's backlog). Method and
 * figures: docs/benchmarks.md, (b).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/support/free-port';
import { waitFor } from '../test/support/wait-for';
import { B2C_PASSWORD, B2C_USERNAME, startEmulatorProcess } from './support/emulator-process';
import { startGateway, type GatewayProcess } from './support/gateway-process';
import { knobs } from './support/knobs';
import { type BenchProcess, startTsNode, stopEach, untilListening } from './support/processes';
import { round, type Target } from './support/stats';
import { pacedLoad } from './support/paced-load';
import {
  seedJsonWebhook,
  signedTwilioWebhook,
  TWILIO_TIMEOUT_S,
  WEBHOOK_PATH,
  type LoadFigures,
  type OutgoingRequest,
} from './support/twilio-load';

interface SeedStats {
  started: number;
  succeeded: number;
  failed: number;
  inFlight: number;
  b2cCalls: number;
}

export interface SlowPhase {
  /** What the vendor saw during the phase. */
  load: LoadFigures;
  /** Incidents the design made during the phase (and, for the seed, until its handlers ended). */
  incidents: number;
}

export interface SeedVsGatewayResult {
  offeredRate: number;
  connections: number;
  normal: { latencyMs: number; durationS: number; seed: LoadFigures; gateway: LoadFigures };
  ratio: { p50: number; p99: number };
  slow: {
    latencyMs: number;
    durationS: number;
    seed: SlowPhase & {
      /** Incidents made for webhooks the vendor never got a 2xx for (it failed or timed out). */
      incidentsWithoutAck: number;
      stats: SeedStats;
    };
    gateway: SlowPhase & {
      /** Webhooks acknowledged but not yet incidents when the phase ended. */
      backlogAtEnd: number;
    };
  };
  targets: Target[];
}

async function seedStats(url: string): Promise<SeedStats> {
  return (await (await fetch(`${url}/stats`)).json()) as SeedStats;
}

export async function runSeedVsGateway(): Promise<SeedVsGatewayResult> {
  const { connections } = knobs;
  const { rate, latencyMs, durationS, slowLatencyMs, slowDurationS } = knobs.seed;
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-seed-'));
  const started: { stop(): Promise<void> }[] = [];
  try {
    const seedB2c = await startEmulatorProcess();
    started.push(seedB2c);
    const gatewayB2c = await startEmulatorProcess();
    started.push(gatewayB2c);
    const seedPort = await freePort();
    const seed: BenchProcess = startTsNode(
      'seed (synchronous)',
      'bench/seed-sync.server.ts',
      [String(seedPort)],
      { B2C_URL: seedB2c.url, B2C_USERNAME, B2C_PASSWORD },
    );
    started.push(seed);
    const seedUrl = `http://127.0.0.1:${seedPort}`;
    await untilListening(seed, `${seedUrl}/health/live`);
    const gateway: GatewayProcess = await startGateway({
      dataDir,
      b2cUrl: gatewayB2c.url,
      workerEnabled: true,
    });
    started.push(gateway);

    const offer = (url: string, request: () => OutgoingRequest, seconds: number) =>
      pacedLoad({
        url: url + WEBHOOK_PATH,
        seconds,
        connections,
        rate,
        timeoutS: TWILIO_TIMEOUT_S,
        request,
      });

    // Phase 1: B2C answers in 50 ms.
    await seedB2c.setLatency(latencyMs);
    await gatewayB2c.setLatency(latencyMs);
    await offer(seedUrl, seedJsonWebhook, 2);
    const seedNormal = await offer(seedUrl, seedJsonWebhook, durationS);
    const gatewayWarm = await offer(gateway.url, signedTwilioWebhook, 2);
    const gatewayNormal = await offer(gateway.url, signedTwilioWebhook, durationS);

    // Phase 2: B2C slows to 5 s per call, for both at once.
    const before = { seed: await seedStats(seedUrl), gateway: await gatewayB2c.incidentCount() };
    const seedIncidentsBefore = await seedB2c.incidentCount();
    await seedB2c.setLatency(slowLatencyMs);
    await gatewayB2c.setLatency(slowLatencyMs);
    const [seedSlow, gatewaySlow] = await Promise.all([
      offer(seedUrl, seedJsonWebhook, slowDurationS),
      offer(gateway.url, signedTwilioWebhook, slowDurationS),
    ]);
    const gatewayIncidentsNow = await gatewayB2c.incidentCount();
    const gatewayIncidents = gatewayIncidentsNow - before.gateway;
    // Every webhook is unique: each 2xx is one stored message that should become one incident.
    const gatewayAcked = gatewayWarm.ok + gatewayNormal.ok + gatewaySlow.ok;
    const backlogAtEnd = gatewayAcked - gatewayIncidentsNow;

    // B2C recovers; the seed's handlers still under way finish (the vendor has long given up).
    await seedB2c.setLatency(0);
    await waitFor(
      'the seed handlers to finish',
      async () => ((await seedStats(seedUrl)).inFlight === 0 ? true : undefined),
      slowLatencyMs * 2 + 5_000,
      200,
    ).catch(() => undefined);
    const after = await seedStats(seedUrl);
    const seedIncidents = (await seedB2c.incidentCount()) - seedIncidentsBefore;

    const ratio = {
      p50: seedNormal.p50 / gatewayNormal.p50,
      p99: seedNormal.p99 / gatewayNormal.p99,
    };
    return {
      offeredRate: rate,
      connections,
      normal: { latencyMs, durationS, seed: seedNormal, gateway: gatewayNormal },
      ratio: { p50: round(ratio.p50), p99: round(ratio.p99) },
      slow: {
        latencyMs: slowLatencyMs,
        durationS: slowDurationS,
        seed: {
          load: seedSlow,
          incidents: seedIncidents,
          incidentsWithoutAck: Math.max(0, after.succeeded - before.seed.succeeded - seedSlow.ok),
          stats: after,
        },
        gateway: { load: gatewaySlow, incidents: gatewayIncidents, backlogAtEnd },
      },
      targets: [
        {
          what: `gateway p99 ack, B2C at ${latencyMs} ms per call`,
          target: '≤ 25 ms',
          measured: `${gatewayNormal.p99} ms`,
          met: gatewayNormal.p99 <= 25,
        },
        {
          what: `gateway p99 ack, B2C at ${slowLatencyMs / 1000} s per call`,
          target: '≤ 25 ms',
          measured: `${gatewaySlow.p99} ms`,
          met: gatewaySlow.p99 <= 25 && gatewaySlow.timeouts === 0,
        },
      ],
    };
  } finally {
    await stopEach(started.reverse());
    rmSync(dataDir, { recursive: true, force: true });
  }
}
