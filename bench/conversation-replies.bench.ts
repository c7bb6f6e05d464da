/**
 * (h) SMS conversations: agents' responses back as SMS.
 *
 *   - Reply latency: from an agent's Response entry (added in the B2C emulator) to the vendor's
 *     send API receiving the SMS (the Twilio stand-in, over HTTPS with the test CA), at the
 *     default poll interval, for responses added at random moments.
 *   - B2C calls per poll with 1,000 open conversations: the emulator's request log while the
 *     gateway polls every 2 s for a while, by path.
 *
 * Alone: `npm run -s build && ts-node --transpile-only bench/conversation-replies.bench.ts`.
 * Part of `npm run bench` (scenario h). Needs port 443 on a loopback address (root).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendStandInServer } from '../src/vendors/kit/send-stand-in.server';
import type { SendStandIn } from '../src/vendors/kit/send-stand-in';
import { encodeTwilioForm } from '../src/vendors/twilio/fixtures';
import { TWILIO_ACCOUNT_SID } from '../src/vendors/twilio/fixtures/twilio-payloads';
import {
  twilioSendStandIn,
  TWILIO_API_HOST,
} from '../src/vendors/twilio/fixtures/twilio-send.stand-in';
import { computeTwilioSignature } from '../src/vendors/twilio/twilio-signature';
import { createTlsIdentity } from '../test/support/test-pki';
import { startEmulatorProcess, type EmulatorProcess } from './support/emulator-process';
import { startGateway, type GatewayProcess } from './support/gateway-process';
import { sleep, stopAll } from './support/processes';
import { percentile, round, type Target } from './support/stats';
import {
  senderNumber,
  TWILIO_AUTH_TOKEN,
  TWILIO_PUBLIC_BASE,
  WEBHOOK_PATH,
} from './support/twilio-load';

const OUR_NUMBER = '+14155550100';
const DEFAULT_POLL_MS = 15_000;
const LATENCY_REPLIES = Number(process.env.BENCH_REPLY_COUNT ?? 40);
const LATENCY_WINDOW_MS = Number(process.env.BENCH_REPLY_WINDOW_S ?? 60) * 1000;
const OPEN_CONVERSATIONS = Number(process.env.BENCH_REPLY_CONVERSATIONS ?? 1000);
const FAST_POLL_MS = 2_000;
const FAST_POLL_WINDOW_MS = 20_000;

export interface ReplyBenchResult {
  pollMs: number;
  replies: number;
  latencyMs: { p50: number; p99: number; max: number };
  openConversations: number;
  polls: number;
  b2cCallsPerPoll: number;
  b2cCallsByPath: Record<string, number>;
  /** ROQL statements in one poll's query (200 incident ids each) and its length in characters. */
  pollQuery: { statements: number; characters: number };
  targets: Target[];
}

/** The Twilio stand-in, noting when each text arrived. */
function timedStandIn(arrivals: Map<string, number>): SendStandIn {
  const standIn = twilioSendStandIn(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN);
  return {
    ...standIn,
    handle(request) {
      const outcome = standIn.handle(request);
      if (outcome.kind === 'sent') arrivals.set(outcome.sms.text, Date.now());
      return outcome;
    },
  };
}

async function postSms(gateway: GatewayProcess, n: number, body: string): Promise<void> {
  const params = {
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
    AccountSid: TWILIO_ACCOUNT_SID,
    From: senderNumber(n),
    To: OUR_NUMBER,
    Body: body,
    NumMedia: '0',
    SmsStatus: 'received',
  };
  const response = await fetch(gateway.url + WEBHOOK_PATH, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': computeTwilioSignature(
        TWILIO_AUTH_TOKEN,
        TWILIO_PUBLIC_BASE + WEBHOOK_PATH,
        params,
      ),
    },
    body: encodeTwilioForm(params),
  });
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
}

async function untilIncidents(emulator: EmulatorProcess, count: number): Promise<void> {
  const deadline = Date.now() + 300_000;
  while ((await emulator.incidentCount()) < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} incidents after 300 s`);
    await sleep(250);
  }
}

export async function runReplies(): Promise<ReplyBenchResult> {
  const arrivals = new Map<string, number>();
  const tls = createTlsIdentity(TWILIO_API_HOST);
  const server = await SendStandInServer.start({
    standIns: [timedStandIn(arrivals)],
    tls: { keyPem: tls.keyPem, certificatePem: tls.certificatePem, caFile: tls.caFile },
  });
  const emulator = await startEmulatorProcess();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-replies-'));
  const start = (pollMs: number) =>
    startGateway({
      dataDir,
      b2cUrl: emulator.url,
      workerEnabled: true,
      env: {
        ...twilioSendStandIn(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN).env,
        ...server.env([emulator.url]),
        ALLOWLIST_OUTBOUND_ALLOW_HTTP_FOR_DEVELOPMENT: 'true',
        CONVERSATIONS_REPLIES: 'true',
        CONVERSATIONS_REPLIES_POLL_MS: String(pollMs),
      },
    });
  let gateway: GatewayProcess | undefined;
  try {
    // Reply latency at the default poll interval.
    gateway = await start(DEFAULT_POLL_MS);
    for (let n = 1; n <= LATENCY_REPLIES; n += 1) await postSms(gateway, n, `text ${n}`);
    await untilIncidents(emulator, LATENCY_REPLIES);
    const incidents = (await emulator.control.incidents()).map((incident) => incident.id);
    const added = new Map<string, number>();
    const moments = incidents
      .map((id) => ({ id, at: Math.random() * LATENCY_WINDOW_MS }))
      .sort((a, b) => a.at - b.at);
    const began = Date.now();
    for (const { id, at } of moments) {
      await sleep(began + at - Date.now());
      const text = `answer ${id}`;
      added.set(text, Date.now());
      await emulator.control.addResponse(id, text);
    }
    const deadline = Date.now() + DEFAULT_POLL_MS * 3;
    while (arrivals.size < added.size && Date.now() < deadline) await sleep(100);
    const latencies = [...added]
      .map(([text, at]) => (arrivals.get(text) ?? Number.NaN) - at)
      .filter((ms) => Number.isFinite(ms))
      .sort((a, b) => a - b);
    if (latencies.length < added.size) {
      throw new Error(`${added.size - latencies.length} of ${added.size} replies never arrived`);
    }
    await gateway.stop();

    // B2C calls per poll with many open conversations.
    gateway = await start(FAST_POLL_MS);
    for (let n = LATENCY_REPLIES + 1; n <= OPEN_CONVERSATIONS; n += 1) {
      await postSms(gateway, n, `text ${n}`);
    }
    await untilIncidents(emulator, OPEN_CONVERSATIONS);
    await sleep(FAST_POLL_MS); // let deliveries finish their calls
    await emulator.control.clearRequests();
    await sleep(FAST_POLL_WINDOW_MS);
    const requests = await emulator.control.requests();
    const byPath: Record<string, number> = {};
    for (const request of requests) {
      const key = `${request.method} ${request.path}`;
      byPath[key] = (byPath[key] ?? 0) + 1;
    }
    const polls = byPath['GET /queryResults'] ?? 0;
    const query = String(requests.find((r) => r.path === '/queryResults')?.query.query ?? '');
    const perPoll = polls > 0 ? requests.length / polls : Number.NaN;
    return {
      pollMs: DEFAULT_POLL_MS,
      replies: latencies.length,
      latencyMs: {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: round(latencies[latencies.length - 1]),
      },
      openConversations: OPEN_CONVERSATIONS,
      polls,
      b2cCallsPerPoll: round(perPoll),
      b2cCallsByPath: byPath,
      pollQuery: { statements: query.split(';').length, characters: query.length },
      targets: [
        {
          what: `B2C calls per reply poll with ${OPEN_CONVERSATIONS} open conversations`,
          target: '1 (one query for all of them)',
          measured: String(round(perPoll)),
          met: perPoll === 1,
        },
      ],
    };
  } finally {
    await gateway?.stop();
    await emulator.stop();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runReplies()
    .then((result) => {
      console.log(
        `Replies (Node.js ${process.version}), poll every ${result.pollMs / 1000} s: ` +
          `${result.replies} responses, latency to the vendor call p50 ${result.latencyMs.p50} ms, ` +
          `p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms`,
      );
      console.log(
        `${result.openConversations} open conversations: ${result.polls} polls, ` +
          `${result.b2cCallsPerPoll} B2C calls per poll ${JSON.stringify(result.b2cCallsByPath)}, ` +
          `one query of ${result.pollQuery.statements} ROQL statements, ` +
          `${result.pollQuery.characters} characters`,
      );
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => stopAll().finally(() => process.exit()));
}
