/**
 * `npm run bench:intake`: bare Fastify vs the gateway's verified, durable intake, one after the
 * other on this machine, with the same load generator (autocannon in this process) sending
 * unique, correctly signed Twilio webhooks. Prints req/s, the ratio, and ack latency.
 *
 * Each server runs in its own process so the load generator does not share its event loop.
 * `npm run bench:intake` builds the gateway first; both servers run as plain JavaScript.
 * The gateway's worker is off: this measures intake (verify, parse, commit with fsync, ack).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../test/support/free-port';
import { waitFor } from '../test/support/wait-for';
import { encodeTwilioForm } from '../src/vendors/twilio/fixtures';
import { computeTwilioSignature } from '../src/vendors/twilio/twilio-signature';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TOKEN = randomBytes(16).toString('hex');
const PUBLIC_BASE = 'https://bench.example.com';
const PATH = '/vendors/twilio/webhook';

interface Figures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  p999: number;
  errors: number;
  non2xx: number;
  total: number;
}

let sequence = 0;
const runId = randomBytes(4).toString('hex');

/** A unique inbound SMS, signed as Twilio signs it. */
function signedWebhook(): { body: string; signature: string } {
  sequence += 1;
  const params = {
    MessageSid: `SM${runId}${sequence.toString(16).padStart(24, '0')}`,
    AccountSid: 'AC0123456789abcdef0123456789abcdef',
    // A different sender each time: the worst case for the phone-number cache.
    From: `+1415${2_000_000 + (sequence % 7_000_000)}`,
    To: '+14155550100',
    Body: `Benchmark message ${sequence}: my order has not arrived`,
    NumMedia: '0',
    SmsStatus: 'received',
  };
  return {
    body: encodeTwilioForm(params),
    signature: computeTwilioSignature(TOKEN, PUBLIC_BASE + PATH, params),
  };
}

async function load(url: string, seconds: number): Promise<Figures> {
  const result = await autocannon({
    url: url + PATH,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const { body, signature } = signedWebhook();
          return {
            ...request,
            body,
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'x-twilio-signature': signature,
            },
          };
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    p999: result.latency.p99_9,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

/** Both servers run as plain JavaScript: the gateway as built (`npm run build`), like production. */
function start(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, args, {
    cwd: join(__dirname, '..'),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function listening(name: string, child: ChildProcess, url: string): Promise<void> {
  await waitFor(
    `${name} to listen`,
    async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
      return (await fetch(`${url}/health/live`)).status < 500 ? true : undefined;
    },
    60_000,
  );
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const barePort = await freePort();
  const gatewayPort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-intake-'));
  const bare = start(['bench/bare-fastify.server.cjs', String(barePort)], {});
  const gateway = start(['dist/main.js'], {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(gatewayPort),
    PUBLIC_BASE_URL: PUBLIC_BASE,
    DATA_DIR: dataDir,
    // Never called: the worker is off, so only intake is measured.
    B2C_URL: 'https://b2c.invalid',
    B2C_USERNAME: 'bench',
    B2C_PASSWORD: 'bench',
    WORKER_ENABLED: 'false',
    VENDOR_TWILIO__AUTH_TOKEN: TOKEN,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
  });
  const bareUrl = `http://127.0.0.1:${barePort}`;
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const results: { bare: Figures[]; gateway: Figures[] } = { bare: [], gateway: [] };
  try {
    await listening('bare Fastify', bare, bareUrl);
    await listening('gateway', gateway, gatewayUrl);
    await load(bareUrl, WARMUP_S);
    await load(gatewayUrl, WARMUP_S);
    // Alternating rounds: a machine whose speed drifts (shared hosts do) affects both alike.
    for (let round = 0; round < ROUNDS; round += 1) {
      results.bare.push(await load(bareUrl, DURATION_S));
      results.gateway.push(await load(gatewayUrl, DURATION_S));
    }
  } finally {
    for (const child of [bare, gateway]) child.kill('SIGTERM');
    await Promise.all(
      [bare, gateway].map((child) => new Promise((resolve) => child.once('exit', resolve))),
    );
    rmSync(dataDir, { recursive: true, force: true });
  }

  const summary = (figures: Figures[]): Figures => ({
    requestsPerSecond: median(figures.map((f) => f.requestsPerSecond)),
    p50: median(figures.map((f) => f.p50)),
    p99: median(figures.map((f) => f.p99)),
    p999: median(figures.map((f) => f.p999)),
    errors: figures.reduce((sum, f) => sum + f.errors, 0),
    non2xx: figures.reduce((sum, f) => sum + f.non2xx, 0),
    total: figures.reduce((sum, f) => sum + f.total, 0),
  });
  const bareSummary = summary(results.bare);
  const gatewaySummary = summary(results.gateway);
  const ratio = gatewaySummary.requestsPerSecond / bareSummary.requestsPerSecond;
  const row = (name: string, f: Figures) =>
    `| ${name} | ${f.requestsPerSecond.toFixed(0)} | ${f.p50} | ${f.p99} | ${f.p999} | ${f.total} | ${f.non2xx + f.errors} |`;
  console.log(
    `\nIntake benchmark: ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${DURATION_S} s each (medians)`,
  );
  console.log(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n`,
  );
  console.log('| server | req/s | p50 ms | p99 ms | p99.9 ms | requests | non-2xx/errors |');
  console.log('|---|---|---|---|---|---|---|');
  console.log(row('bare Fastify (trivial handler)', bareSummary));
  console.log(row('gateway (verify + commit + ack)', gatewaySummary));
  console.log(
    `\nper round gateway/bare: ${results.gateway
      .map(
        (g, i) =>
          `${((g.requestsPerSecond / results.bare[i].requestsPerSecond) * 100).toFixed(1)}%`,
      )
      .join(', ')}`,
  );
  console.log(`gateway / bare Fastify req/s: ${(ratio * 100).toFixed(1)}% (target >= 50%)`);
  console.log(`gateway p99 ack latency: ${gatewaySummary.p99} ms (target <= 25 ms)`);
  console.log(
    JSON.stringify({ connections: CONNECTIONS, durationS: DURATION_S, rounds: results, ratio }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
