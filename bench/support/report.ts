/**
 * docs/benchmarks.md from one run's results. Everything in that file comes from here except its
 * hand-written blocks (support/hand-written.ts), which a new run keeps; explanations that depend
 * on the figures are written from the figures.
 */
import type { ReplyBenchResult } from '../conversation-replies.bench';
import type { BacklogResult } from '../backlog-memory.bench';
import type { DrainResult } from '../drain.bench';
import type { IntakeResult } from '../intake.bench';
import type { PostgresIntakeResult } from '../postgres-intake.bench';
import {
  busiestSecondBounds,
  type DrainScalingResult,
  type RateAdherenceResult,
} from '../postgres-processes.bench';
import type { SeedVsGatewayResult } from '../seed-vs-gateway.bench';
import type { Machine } from './machine';
import type { Knobs } from './knobs';
import type { Target } from './stats';
import type { LoadFigures } from './twilio-load';

export interface BenchResults {
  machine: Machine;
  knobs: Knobs;
  durationS: number;
  intake?: IntakeResult;
  seed?: SeedVsGatewayResult;
  drain?: DrainResult;
  backlog?: BacklogResult;
  /** (e)–(g): several gateway processes on one PostgreSQL database. */
  postgresIntake?: PostgresIntakeResult;
  drainScaling?: DrainScalingResult;
  rateAdherence?: RateAdherenceResult;
  /** (h) SMS conversations: agents' responses back as SMS. */
  replies?: ReplyBenchResult;
  /** Scenarios that failed, with the error. */
  failures: Record<string, string>;
  targets: Target[];
}

const n = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 1 });
const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
const ms = (value: number) => (Number.isFinite(value) ? n(value) : '–');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const header = (cells: string[]) => [row(cells), row(cells.map(() => '---'))];

function machineSection(r: BenchResults): string[] {
  const m = r.machine;
  const load = (values?: number[]) => (values ? values.join(' / ') : '–');
  return [
    '## Machine',
    '',
    ...header(['what', 'value']),
    row(['CPU', `${m.cpuModel}, ${m.cores} cores`]),
    row(['memory', `${m.memoryGiB} GiB`]),
    row(['Node.js', m.node]),
    row(['OS', m.os]),
    row(['date', m.date]),
    row(['load average (1/5/15 min) at start', load(m.loadAtStart)]),
    row(['load average at end', load(m.loadAtEnd)]),
    row(['run', `${r.knobs.quick ? 'quick (BENCH_QUICK=1)' : 'full'}, ${n(r.durationS)} s`]),
    '',
    'Everything (servers, B2C emulators, load generator) ran on this one machine: the load ' +
      'generator competes with the server under test for the same cores, so absolute figures are ' +
      'lower than on a dedicated client/server pair; the comparisons within one run are fair. A ' +
      'load average near or above the core count means other work shared the machine and the ' +
      'figures are noisy.',
    '',
  ];
}

function targetsSection(r: BenchResults): string[] {
  const lines = ['## Targets', '', ...header(['what', 'target', 'measured', ''])];
  for (const t of r.targets) {
    lines.push(row([t.what, t.target, t.measured, t.met ? '**met**' : '**missed**']));
  }
  for (const [scenario, error] of Object.entries(r.failures)) {
    lines.push(row([`scenario ${scenario}`, '–', `failed: ${error.split('\n')[0]}`, '**missed**']));
  }
  return [...lines, ''];
}

function intakeSection(a: IntakeResult): string[] {
  const line = (name: string, s: IntakeResult['bare']) =>
    row([name, n(s.requestsPerSecond), ms(s.p50), ms(s.p99), ms(s.p999), n(s.ok), n(s.failed)]);
  return [
    '## (a) Intake: bare Fastify vs the gateway',
    '',
    `Unique inbound SMS webhooks signed as Twilio signs them, ${a.connections} connections, ` +
      `${a.rounds} alternating rounds of ${a.durationS} s each (medians of the rounds)` +
      `${a.node ? `, every server and the load generator on Node.js ${a.node}` : ''}. The ` +
      'gateway verifies the signature, parses and validates, commits to SQLite (WAL, ' +
      'synchronous=FULL, group commit) and only then answers; its worker is off. Bare Fastify ' +
      'reads the body and answers the same `<Response/>`; the Nest floor is NestJS on the same ' +
      'Fastify adapter with the same body handling and an empty handler.',
    '',
    ...header(['server', 'req/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'answered', 'failed']),
    line('bare Fastify (trivial handler)', a.bare),
    line('Nest floor (NestJS + Fastify, empty handler)', a.nest),
    line('gateway (verify + commit + ack)', a.gateway),
    '',
    `Gateway ÷ bare Fastify: **${pct(a.ratio)}** (per round: ${a.ratioPerRound.map(pct).join(', ')}); ` +
      `Nest floor ÷ bare Fastify: ${pct(a.nestRatio)}. ` +
      `Gateway RSS after the rounds: ${n(a.gatewayRssMB.end)} MB (peak ${n(a.gatewayRssMB.peak)} MB).`,
    '',
    ...cpuParagraphs(a),
    ...(a.ratio < 0.5
      ? [
          `Below the 50% target. NestJS on Fastify with an empty handler (the Nest floor) runs ` +
            `at ${pct(a.nestRatio)} of bare Fastify here; durability costs little on the event ` +
            'loop (SQLite runs on its own thread and one fsync covers every webhook of an ' +
            'event-loop turn). A CPU profile of this path (README, intake figures) puts the ' +
            'rest in the per-request work bare Fastify does not do: phone-number validation ' +
            '(libphonenumber; every sender here is new, so its cache never hits), the ' +
            'HMAC-SHA1 signature over the sorted form, form decoding, the JSON of the stored ' +
            'message and its hand-over to the SQLite thread, the guards, and the garbage they ' +
            'leave.',
          '',
        ]
      : []),
  ];
}

/** Where each server's CPU went per request, and what that allows on this many cores. */
function cpuParagraphs(a: IntakeResult): string[] {
  const { cpu: bare } = a.bare;
  const { cpu: nest } = a.nest;
  const { cpu: gateway } = a.gateway;
  if (!bare || !nest || !gateway) return [];
  const servers = [
    ['bare Fastify', bare],
    ['Nest floor', nest],
    ['gateway', gateway],
  ] as const;
  const lines = [
    'CPU time per answered request (medians of the rounds, from /proc): the server with all its ' +
      'threads (event loop, SQLite, V8 garbage collection), its event-loop thread alone, and ' +
      'the load generator, which runs on the same cores.',
    '',
    ...header(['server', 'server µs', 'event loop µs', 'load generator µs', 'host busy']),
    ...servers.map(([name, cpu]) =>
      row([name, n(cpu.serverUs), n(cpu.eventLoopUs), n(cpu.loadGeneratorUs), pct(cpu.hostBusy)]),
    ),
    '',
  ];
  if (a.gatewayCpuCeiling !== undefined) {
    lines.push(
      'CPU ceiling: with every core busy at the gateway’s CPU per request (its own and the load ' +
        `generator’s), it would answer **${pct(a.gatewayCpuCeiling)}** of bare Fastify’s rate. ` +
        (a.gatewayCpuCeiling < 0.5
          ? 'Below 50%: in this run no spreading of the same work over more threads or ' +
            'processes could have met the target; only cheaper work per request can.'
          : 'Above 50%: spreading the work over idle cores could close the gap.'),
      '',
    );
  }
  return lines;
}

function loadRow(name: string, f: LoadFigures, seconds: number): string {
  return row([
    name,
    n(f.ok / seconds),
    ms(f.p50),
    ms(f.p99),
    ms(f.p999),
    ms(f.max),
    n(f.ok),
    n(f.non2xx),
    n(f.timeouts),
  ]);
}

function seedSection(b: SeedVsGatewayResult): string[] {
  const { normal, slow } = b;
  const cols = ['design', 'acks/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', '2xx', 'non-2xx'];
  const seedSlowNeed = 5 * slow.latencyMs;
  return [
    "## (b) The seed's synchronous design vs the gateway's acknowledgement",
    '',
    "The seed (Oracle answer 11712) makes every B2C call inside the vendor's request: look the " +
      'contact up by phone, create it, add its phone, create the incident, post the Note thread ' +
      '(five calls for a new sender), then answer. `bench/seed-sync.server.ts` re-implements it ' +
      'faithfully as a Fastify handler (Method, below, has the details and the two departures, ' +
      "both in the seed's favour). The gateway commits, answers, and lets its worker make the " +
      'calls afterwards (three per new sender). Each design has its own B2C emulator; both get ' +
      `the same offered load: ${n(b.offeredRate)} unique webhooks/s from ${b.connections} ` +
      "connections at most, each given Twilio's 15 s to answer (an open-loop generator: " +
      'requests leave on schedule whatever the answers do, bench/support/paced-load.ts).',
    '',
    `### B2C at ${normal.latencyMs} ms per call (${normal.durationS} s)`,
    '',
    ...header([...cols, 'timeouts']),
    loadRow('seed (B2C calls inside the request)', normal.seed, normal.durationS),
    loadRow('gateway (commit, then ack)', normal.gateway, normal.durationS),
    '',
    `The seed's acknowledgement takes **${n(b.ratio.p50)}×** the gateway's at p50 and ` +
      `**${n(b.ratio.p99)}×** at p99: its floor is the sum of its B2C round trips ` +
      `(5 × ${normal.latencyMs} ms for a new sender), the gateway's is a local commit. Even at ` +
      `that floor of ${5 * normal.latencyMs} ms, with no queueing at all, the seed would take ` +
      `${n((5 * normal.latencyMs) / normal.gateway.p50)}× the gateway's p50; what it measures ` +
      `above the floor is queueing at its B2C emulator, which serves ${n(5 * b.offeredRate)} ` +
      'calls/s on the same cores (a real site adds its own).',
    '',
    `### B2C slowed to ${slow.latencyMs / 1000} s per call (both at once; webhooks sent for ` +
      `${slow.durationS} s, each then given its 15 s)`,
    '',
    ...header([...cols, "timeouts (Twilio's 15 s)"]),
    loadRow('seed', slow.seed.load, slow.durationS),
    loadRow('gateway', slow.gateway.load, slow.durationS),
    '',
    `- **Seed:** a new sender now needs 5 × ${slow.latencyMs / 1000} s = ` +
      `${seedSlowNeed / 1000} s before it can answer, beyond Twilio's 15 s: ` +
      `${n(slow.seed.load.timeouts)} webhooks timed out and ${n(slow.seed.load.ok)} got a 2xx. ` +
      'Twilio fails each such request (error 11205), tries the fallback URL if one is set, and ' +
      'otherwise gives the message up. Yet the handlers kept running after the vendor hung up: ' +
      'they made ' +
      `**${n(slow.seed.incidentsWithoutAck)} incidents for webhooks that never got a 2xx** ` +
      '(Twilio had given up on them), each of which becomes a duplicate if the vendor, a ' +
      'fallback URL or an operator sends it again.',
    `- **Gateway:** acknowledgements stay fast (p99 ${ms(slow.gateway.load.p99)} ms, ` +
      `${n(slow.gateway.load.timeouts)} timeouts); the worker made ` +
      `${n(slow.gateway.incidents)} incidents during the phase and ` +
      `**${n(slow.gateway.backlogAtEnd)} acknowledged messages were waiting** in the store at ` +
      'its end, to be delivered when B2C speeds up again (each exactly once).',
    '',
  ];
}

function drainSection(c: DrainResult): string[] {
  const lines = [
    '## (c) Drain against the configured B2C rate limit',
    '',
    `B2C (the emulator) takes ${c.latencyMs} ms per call; the inbox holds a backlog of new ` +
      "senders' messages (three calls each: contact lookup, contact create, incident create " +
      `with its Note); worker concurrency ${c.concurrency}. \`b2c.rateLimitPerSecond\` ` +
      '(`B2C_RATE_LIMIT_PER_SECOND`) is a token bucket in front of every B2C call ' +
      '(src/delivery/flow-control/); requests are counted at the emulator over the window.',
    '',
    ...header([
      'b2c.rateLimitPerSecond',
      'B2C requests/s',
      'of the rate',
      'incidents/s',
      'requests per incident',
      'window s',
      'B2C errors',
    ]),
  ];
  for (const run of c.runs) {
    lines.push(
      row([
        run.rateLimitPerSecond === 0 ? '0 (no limit)' : n(run.rateLimitPerSecond),
        n(run.b2cRequestsPerSecond),
        run.ratio === undefined ? '–' : pct(run.ratio),
        n(run.incidentsPerSecond),
        n(run.requestsPerIncident),
        n(run.windowS),
        n(run.errors),
      ]),
    );
  }
  const unlimited = c.runs.find((run) => run.rateLimitPerSecond === 0);
  lines.push('');
  if (unlimited) {
    lines.push(
      `Without a limit the worker reaches ${n(unlimited.b2cRequestsPerSecond)} requests/s ` +
        `(${n(unlimited.incidentsPerSecond)} incidents/s): ${c.concurrency} deliveries at once, ` +
        `each waiting ${c.latencyMs} ms per call plus its local checkpoints. A limit above that ` +
        'cannot be reached without raising `WORKER_CONCURRENCY`.',
      '',
    );
  }
  return lines;
}

function backlogSection(d: BacklogResult, intake?: IntakeResult): string[] {
  const vsEmpty = intake
    ? ` (${pct(d.intake.requestsPerSecond / intake.gateway.requestsPerSecond)} of the empty-store ` +
      `rate in (a), ${n(intake.gateway.requestsPerSecond)} req/s)`
    : '';
  return [
    '## (d) Memory with a backlog',
    '',
    `${n(d.fill.messages)} pending messages written into the inbox before the gateway starts ` +
      `(${n(d.fill.fileMB)} MB on disk, filled in ${n(d.fill.seconds)} s through SQLite with the ` +
      "gateway's own schema and Twilio-parsed payloads). B2C is down for the whole run (every " +
      'call answers 502), so nothing leaves the store while the worker keeps walking the backlog ' +
      'as it does in an outage: it took the oldest due messages, failed, scheduled retries ' +
      `(${n(d.b2cAttempts)} B2C attempts during the run; ${n(d.incidents)} incidents).`,
    '',
    ...header(['resident memory (VmRSS)', 'MB']),
    row(['after start-up (' + n(d.startupS) + ' s to listen)', n(d.rssMB.afterStart)]),
    row(['highest sample during the intake load', n(d.rssMB.duringIntake)]),
    row(['after the load (steady)', n(d.rssMB.steady)]),
    row(['peak of the whole process (VmHWM)', n(d.rssMB.peak)]),
    '',
    `Intake meanwhile (${n(d.intake.ok)} unique signed webhooks, ${d.intake.p50}/${d.intake.p99}/` +
      `${d.intake.p999} ms p50/p99/p99.9): **${n(d.intake.requestsPerSecond)} req/s**${vsEmpty}.`,
    '',
    ...(intake
      ? [
          `For comparison, the gateway of (a), with an empty store but ` +
            `${n(intake.gateway.requestsPerSecond / Math.max(1, d.intake.requestsPerSecond))}× ` +
            `this request rate, ended at ${n(intake.gatewayRssMB.end)} MB (peak ` +
            `${n(intake.gatewayRssMB.peak)} MB): resident memory follows the request rate ` +
            "(V8's heap under load), not the backlog.",
          '',
        ]
      : []),
    ...heapParagraph(d),
    '',
  ];
}

/** Whether the backlog is read into memory or scanned, from the timings of the worker's queries. */
function heapParagraph(d: BacklogResult): string[] {
  const { dueMs, nextDueAtMs } = d.storeQueries;
  const where =
    '`DeliveryWorker.fill` (src/delivery/delivery-worker.ts) asks `InboxStore.claim()` for at most ' +
    'its free slots, and `DeliveryWorker.idleMs` asks `nextDueAt()`; both are statements ' +
    'of `prepareStatements` in src/inbox/drivers/sqlite/sqlite-inbox.engine.ts ' +
    '(`dueCandidates`, `nextDue`).';
  const held =
    'The messages live on disk, not in the heap: a payload is read when the worker claims its ' +
    'message, nothing on the running paths loads the backlog whole, and `counts()` / ' +
    '`list(state, limit)` are not called while running. RSS is Node, NestJS and Fastify, ' +
    "SQLite's page cache on the inbox thread, and the requests in flight.";
  if (dueMs <= 5 && nextDueAtMs <= 5) {
    return [
      held,
      '',
      `${where} With this backlog one \`claim()\` (of 4, released again) takes ${n(dueMs)} ms and one \`nextDueAt()\` ` +
        `${n(nextDueAtMs)} ms (timed through SqliteInboxStore before the gateway started): ` +
        'they walk the partial index `inbox_messages_due` and do not grow with the backlog.',
    ];
  }
  return [
    held,
    '',
    `**Found: the worker's two queries scan the whole backlog.** With ${n(d.fill.messages)} ` +
      `messages waiting one \`claim()\` (of 4, released again) takes **${n(dueMs)} ms** and one \`nextDueAt()\` ` +
      `**${n(nextDueAtMs)} ms** (timed through SqliteInboxStore before the gateway started). ` +
      where +
      ' Without statistics (`ANALYZE` never runs) SQLite plans `state = ' +
      "'pending'` through the index `inbox_messages_state (state, seq)`: `due` reads every " +
      'pending row and sorts them (`USE TEMP B-TREE FOR ORDER BY`) instead of walking the ' +
      'partial index `inbox_messages_due (next_attempt_at, seq)`, and `MIN(next_attempt_at)` ' +
      'reads them all too. Memory stays bounded (an `ORDER BY … LIMIT` sort keeps only the ' +
      "limit), but the time grows with the backlog and is spent on the inbox's one SQLite " +
      'thread, where every group commit, and so every acknowledgement, waits behind it on ' +
      'each worker loop turn: this is where the intake above loses against (a). Fix, in ' +
      'src/inbox: `INDEXED BY inbox_messages_due` in both statements, or `ANALYZE` (or ' +
      '`PRAGMA optimize`) when the inbox opens; by hand, on an inbox filled the same way with ' +
      '1,000,000 rows, either brought both queries from about 300 ms to about 0.1 ms.',
  ];
}

const NOTES = [
  '## How to run',
  '',
  '```sh',
  'npm run bench                 # full run: all eight, about 12 min on 2 cores; rewrites this file',
  'BENCH_QUICK=1 npm run bench   # smoke run, 2–3 min; writes bench/results/benchmarks.quick.md',
  'BENCH_ONLY=a,c npm run bench  # some scenarios only',
  '# e–g only, replacing just their section of this file:',
  'BENCH_ONLY=e,f,g BENCH_WRITE_DOCS=section npm run bench',
  '```',
  '',
  'JSON of every run goes to `bench/results/` (not committed). Knobs (environment): ' +
    '`BENCH_CONNECTIONS`, `BENCH_WARMUP_S`, `BENCH_DURATION_S`, `BENCH_ROUNDS` (a); ' +
    '`BENCH_SEED_RATE`, `BENCH_SEED_LATENCY_MS`, `BENCH_SEED_DURATION_S`, ' +
    '`BENCH_SLOW_LATENCY_MS`, `BENCH_SLOW_DURATION_S` (b); `BENCH_DRAIN_RATES` (comma-separated, ' +
    '0 = no limit), `BENCH_DRAIN_LATENCY_MS`, `BENCH_DRAIN_WINDOW_S`, `BENCH_DRAIN_CONCURRENCY` ' +
    '(c); `BENCH_BACKLOG`, `BENCH_BACKLOG_INTAKE_S` (d); (e) takes the knobs of (a), (f) and (g) ' +
    'the latency and concurrency of (c), plus `BENCH_PG_DRAIN_MESSAGES`, ' +
    '`BENCH_PG_DRAIN_PROCESSES` (f), `BENCH_PG_RATE_LIMIT`, `BENCH_PG_RATE_PROCESSES`, ' +
    '`BENCH_PG_RATE_WARMUP_S`, `BENCH_PG_RATE_WINDOW_S` (g), and `TEST_DATABASE_URL` (the ' +
    'PostgreSQL server, default the local one as `postgres`); `BENCH_LOG_LEVEL` (gateway log ' +
    'level, default `warn`); `BENCH_DIST` (the built gateway, default `dist`); ' +
    '`BENCH_WRITE_DOCS=1` to let a quick or partial run rewrite this file, ' +
    '`BENCH_WRITE_DOCS=section` to replace only the PostgreSQL section (e, f and g must all run).',
  '',
  'Every server runs as its own process: the gateway as built (`node dist/main.js`), the B2C ' +
    "emulators, bare Fastify, the Nest floor (TypeScript through ts-node's require hook, " +
    'compiled once at start) and the seed re-implementation; the load generators (autocannon, ' +
    'and the paced generator of (b)) run in the orchestrating process. The gateway runs with ' +
    '`NODE_ENV=test`, because production refuses plain-http outbound targets such as the ' +
    "emulator, and with the throttler's limits raised out of reach (`THROTTLE_PER_VENDOR`, " +
    '`THROTTLE_PER_SOURCE`): one load generator on one address stands for many senders, and ' +
    'the default 200 requests/s per source would measure the throttler instead of the gateway ' +
    '(the guard itself still runs on every request). Every process a run starts is stopped at ' +
    'its end, also on error or Ctrl-C.',
  '',
  'A finding from re-implementing the seed: its contact lookup builds the query string by hand, ' +
    'and Python requests leaves the `+` of an E.164 number unencoded, so the server reads it as ' +
    "a space (`phones.number = ' 1415…'`). The lookup never matches, and every SMS creates " +
    'another contact for the same phone. The emulator decodes query strings as servers ' +
    'generally do and shows exactly that; the gateway sends the number encoded and finds the ' +
    'contact.',
  '',
];

export function renderReport(r: BenchResults): string {
  const title = [
    '# Benchmarks',
    '',
    'Generated by `npm run bench` (bench/run-all.ts) from one run on one machine; do not edit by ' +
      'hand, run it again. Only text between `<!-- hand-written -->` and ' +
      '`<!-- /hand-written -->` lines is written by hand: a new run keeps it under the heading ' +
      'it follows.',
    '',
  ];
  return [
    ...title,
    ...targetsSection(r),
    ...machineSection(r),
    ...(r.intake ? intakeSection(r.intake) : []),
    ...(r.seed ? seedSection(r.seed) : []),
    ...(r.drain ? drainSection(r.drain) : []),
    ...(r.backlog ? backlogSection(r.backlog, r.intake) : []),
    ...postgresSection(r),
    ...(r.replies ? repliesSection(r.replies) : []),
    ...NOTES,
  ].join('\n');
}

function repliesSection(h: ReplyBenchResult): string[] {
  const paths = Object.entries(h.b2cCallsByPath)
    .map(([path, count]) => `${path} ×${count}`)
    .join(', ');
  return [
    '## (h) SMS conversations: agents’ responses back as SMS',
    '',
    `One gateway (SQLite), the B2C emulator, and Twilio's send API stand-in over HTTPS. ` +
      `${h.replies} conversations; an agent response added to each at a random moment; ` +
      `latency from the Response entry to the vendor's send API receiving the SMS, with ` +
      `\`conversations.replies.pollMs\` at its default ${n(h.pollMs / 1000)} s:`,
    '',
    row(['responses', 'p50 ms', 'p99 ms', 'max ms']),
    row(['---:', '---:', '---:', '---:']),
    row([h.replies, ms(h.latencyMs.p50), ms(h.latencyMs.p99), ms(h.latencyMs.max)]),
    '',
    'The poll interval is the latency: a response waits on average half an interval for the ' +
      'next poll, then one delivery (the vendor call) follows at once.',
    '',
    `With ${n(h.openConversations)} open conversations, polling every 2 s: ${h.polls} polls, ` +
      `**${n(h.b2cCallsPerPoll)} B2C call(s) per poll** (${paths || 'none'}); one poll is one ` +
      `queryResults request of ${h.pollQuery.statements} ROQL statements ` +
      `(${n(h.pollQuery.characters)} characters).`,
    '',
  ];
}

/** The heading `BENCH_WRITE_DOCS=section` looks for: keep it unchanged. */
export const POSTGRES_HEADING = '## Several processes on PostgreSQL';

/** (e)–(g), with the run they come from: the section may be replaced alone (spliceSection). */
export function postgresSection(r: BenchResults): string[] {
  const { postgresIntake: e, drainScaling: f, rateAdherence: g } = r;
  if (!e && !f && !g) return [];
  const m = r.machine;
  const server = e?.server;
  const keys = ['e', 'f', 'g'].filter((key) => r.knobs.only.includes(key));
  const targets = [...(e?.targets ?? []), ...(f?.targets ?? []), ...(g?.targets ?? [])];
  const lines = [
    POSTGRES_HEADING,
    '',
    '`STORAGE_DRIVER=postgres` with `DATABASE_URL`: gateway processes, each with its own port ' +
      'and data directory, share one PostgreSQL database (claims with leases, one message per ' +
      'sender across processes, LISTEN/NOTIFY wake-ups, one B2C rate limit for all). Each ' +
      'scenario gets a fresh schema. Measured ' +
      `${m.date} on ${m.cores} × ${m.cpuModel} with Node.js ${m.node}` +
      (server
        ? `, PostgreSQL ${server.version} on the same machine (fsync ${server.fsync}, ` +
          `synchronous_commit ${server.synchronousCommit}, shared_buffers ${server.sharedBuffers})`
        : ', PostgreSQL on the same machine') +
      `; load average at the start ${m.loadAtStart.join(' / ')}` +
      `${m.loadAtEnd ? `, at the end ${m.loadAtEnd.join(' / ')}` : ''} ` +
      `(${r.knobs.quick ? 'quick run, BENCH_QUICK=1' : 'full run'} of ${keys.join(', ')}). ` +
      'The gateways, the PostgreSQL server, the B2C emulator and the load generator all share ' +
      'these cores.' +
      (Math.max(m.loadAtStart[0] ?? 0, m.loadAtEnd?.[0] ?? 0) >= m.cores
        ? ' **The load average reached the core count or more: other work shared the machine ' +
          'during this run, and these figures are noisy.**'
        : ''),
    '',
    ...header(['what', 'target', 'measured', '']),
    ...targets.map((t) => row([t.what, t.target, t.measured, t.met ? '**met**' : '**missed**'])),
    ...Object.entries(r.failures)
      .filter(([key]) => ['e', 'f', 'g'].includes(key))
      .map(([key, error]) =>
        row([`scenario ${key}`, '–', `failed: ${error.split('\n')[0]}`, '**missed**']),
      ),
    '',
    ...(e ? postgresIntakeLines(e) : []),
    ...(f ? drainScalingLines(f) : []),
    ...(g ? rateAdherenceLines(g) : []),
    'Alone: `BENCH_ONLY=e,f,g BENCH_WRITE_DOCS=section npm run bench` replaces this section and ' +
      'nothing else (bench/postgres-intake.bench.ts, bench/postgres-processes.bench.ts).',
    '',
  ];
  return lines;
}

function postgresIntakeLines(e: PostgresIntakeResult): string[] {
  const cpuCell = (s: IntakeResult['bare']) => (s.cpu ? n(s.cpu.serverUs) : '–');
  const busyCell = (s: IntakeResult['bare']) => (s.cpu ? pct(s.cpu.hostBusy) : '–');
  const line = (name: string, s: IntakeResult['bare'], databaseUs?: number) =>
    row([
      name,
      n(s.requestsPerSecond),
      ms(s.p50),
      ms(s.p99),
      ms(s.p999),
      n(s.ok),
      n(s.failed),
      cpuCell(s),
      databaseUs === undefined ? '–' : n(databaseUs),
      busyCell(s),
    ]);
  const lines = [
    '### (e) Intake: one process on PostgreSQL vs one on SQLite',
    '',
    `(a)'s load (unique inbound SMS webhooks signed as Twilio signs them, ${e.connections} ` +
      `connections) against two gateways with their workers off, one on SQLite and one on ` +
      `PostgreSQL, ${e.rounds} alternating rounds of ${e.durationS} s each (which goes first ` +
      'alternates too; medians of the rounds). Both commit before they answer: SQLite in WAL ' +
      'with synchronous=FULL on its own thread, PostgreSQL in one transaction per group of ' +
      'webhooks (a multi-row insert and the wake-up notification). CPU per answered request: ' +
      "the gateway process with all its threads, and the PostgreSQL server's backends serving " +
      "that gateway's connections (from /proc; WAL writer and checkpointer not included).",
    '',
    ...header([
      'store',
      'req/s',
      'p50 ms',
      'p99 ms',
      'p99.9 ms',
      'answered',
      'failed',
      'gateway µs/req',
      'database µs/req',
      'host busy',
    ]),
    line('SQLite (embedded)', e.sqlite),
    line('PostgreSQL (local server)', e.postgres, e.postgresDatabaseUs),
    '',
    `PostgreSQL ÷ SQLite: **${pct(e.ratio)}** (per round: ${e.ratioPerRound.map(pct).join(', ')}; ` +
      `target ≥ 70%).`,
    '',
  ];
  const sqliteUs = e.sqlite.cpu?.serverUs;
  const postgresUs = e.postgres.cpu?.serverUs;
  if (sqliteUs !== undefined && postgresUs !== undefined) {
    const total = postgresUs + (e.postgresDatabaseUs ?? 0);
    const busy = e.postgres.cpu?.hostBusy ?? 0;
    lines.push(
      `Per request the PostgreSQL gateway's own process used ${n(postgresUs)} µs of CPU ` +
        `(${pct(postgresUs / sqliteUs)} of the SQLite gateway's ${n(sqliteUs)} µs, its SQLite ` +
        'thread included)' +
        (e.postgresDatabaseUs !== undefined
          ? ` and the server's backends another ${n(e.postgresDatabaseUs)} µs: ` +
            `${n(total)} µs in all, ${n(total / sqliteUs)}× SQLite's.`
          : '.') +
        (busy >= 0.9
          ? ` The host was ${pct(busy)} busy during the PostgreSQL rounds: on these cores ` +
            'the rate is set by CPU per request, and the database server takes its share from ' +
            'the same cores as the gateway and the load generator.'
          : ` The host was ${pct(busy)} busy during the PostgreSQL rounds: not short of CPU, so ` +
            'part of the difference is waiting (round trips to the server, commits).'),
      '',
    );
  }
  return lines;
}

function drainScalingLines(f: DrainScalingResult): string[] {
  const one = f.runs.find((run) => run.processes === 1);
  const lines = [
    '### (f) Drain with 1, 2 and 3 processes on one database',
    '',
    `A backlog of ${n(f.messages)} messages from distinct new senders (three B2C calls each: ` +
      `contact lookup, contact create, incident create) drained by 1, 2 and 3 gateway ` +
      `processes in turn, without a rate limit, B2C (one emulator) at ${f.latencyMs} ms per ` +
      `call, worker concurrency ${f.concurrency} per process. The processes start on an empty ` +
      'inbox; the backlog is then written in one transaction and its commit wakes them all ' +
      '(NOTIFY). Time: from that commit to the last message finished (its `updated_at`). ' +
      "Per process: each one's `gateway_deliveries_total` (GET /admin/metrics).",
    '',
    ...header([
      'processes',
      'drain s',
      'messages/s',
      'B2C requests/s',
      'speed-up over 1',
      'delivered per process',
      'dead',
      'duplicate incidents',
      'B2C errors',
    ]),
  ];
  for (const run of f.runs) {
    lines.push(
      row([
        run.processes,
        n(run.drainS),
        n(run.messagesPerSecond),
        n(run.b2cRequestsPerSecond),
        one ? `${n(one.drainS / run.drainS)}×` : '–',
        run.deliveredPerProcess?.map(n).join(' / ') ?? '–',
        n(run.dead),
        n(run.duplicateIncidents),
        n(run.b2cErrors),
      ]),
    );
  }
  lines.push('');
  if (one) {
    // A delivery waits for three B2C calls; nothing else should bound one process's drain.
    const bound = (1000 / (3 * f.latencyMs)) * f.concurrency;
    const most = f.runs.reduce((a, b) => (b.processes > a.processes ? b : a));
    const scaled = one.drainS / most.drainS;
    lines.push(
      `One process is bounded by its ${f.concurrency} deliveries at once, each waiting for three ` +
        `calls of ${f.latencyMs} ms: at most ${n(bound)} messages/s, of which it reached ` +
        `${pct(one.messagesPerSecond / bound)}. Each added process adds ${f.concurrency} more ` +
        'deliveries at once' +
        (most.processes > 1
          ? `; ${most.processes} processes drained ${n(scaled)}× as fast as one ` +
            `(${pct(scaled / most.processes)} of linear). What they share is the database, ` +
            'the one emulator and these cores.'
          : '.'),
      '',
    );
  }
  return lines;
}

function rateAdherenceLines(g: RateAdherenceResult): string[] {
  const spread =
    g.perSecond.length > 0 ? `${Math.min(...g.perSecond)}–${Math.max(...g.perSecond)}` : '–';
  return [
    `### (g) One B2C rate limit for ${g.processes} processes`,
    '',
    `${g.processes} gateway processes with \`B2C_RATE_LIMIT_PER_SECOND=${g.rateLimitPerSecond}\` ` +
      `on one database (the limit is one schedule in the \`b2c_flow_control\` row, taken in turn ` +
      `by every process; its bucket lets ${g.burst} requests go together after an idle ` +
      `moment), B2C at ${g.latencyMs} ms per call, worker concurrency ${g.concurrency} per ` +
      `process, a backlog of ${n(g.messages)} new senders' messages written after they ` +
      'started. The emulator recorded every request with its arrival time; the highest windows ' +
      `are over the whole run (${n(g.requests)} requests, from the backlog's commit, start ` +
      `included), the sustained rate over ${n(g.windowS)} s after a ${n(g.warmupS)} s warm-up.`,
    '',
    ...header([
      'limit/s',
      'highest 1 s',
      'highest 100 ms',
      'sustained requests/s',
      'of the limit',
      'per second (min–max)',
      'incidents/s',
      'delivered per process',
      'backlog left',
      'B2C errors',
    ]),
    row([
      n(g.rateLimitPerSecond),
      `${n(g.highestSecond.requests)} (at ${n(g.highestSecond.atS)} s)`,
      n(g.highest100ms),
      n(g.sustainedPerSecond),
      pct(g.sustainedPerSecond / g.rateLimitPerSecond),
      spread,
      n(g.incidentsPerSecond),
      g.deliveredPerProcess?.map(n).join(' / ') ?? '–',
      n(g.backlogLeft),
      n(g.b2cErrors),
    ]),
    '',
    `Each process alone could send about ${n((1000 / g.latencyMs) * g.concurrency)} requests/s ` +
      `(${g.concurrency} deliveries at once, ${g.latencyMs} ms per call), ` +
      `${n(((1000 / g.latencyMs) * g.concurrency * g.processes) / g.rateLimitPerSecond)}× the ` +
      `limit together: ` +
      rateVerdict(g, spread),
    '',
  ];
}

/** What the busiest second says, against busiestSecondBounds. */
function rateVerdict(g: RateAdherenceResult, spread: string): string {
  const busiest = g.highestSecond.requests;
  const { schedule, bound } = busiestSecondBounds(g.rateLimitPerSecond, g.burst);
  const where =
    `That second began ${n(g.highestSecond.atS)} s after the backlog's commit` +
    (g.highestSecond.atS < g.warmupS
      ? ', while the processes started delivering'
      : ', after the warm-up') +
    `; each whole second of the window had ${spread} requests. The emulator records arrival ` +
    'times, not send times: what lies between the limiter and B2C (event loops, new sockets, ' +
    "the emulator's own queue) is counted with the limiter.";
  if (busiest <= schedule) {
    return (
      `the emulator saw at most ${n(busiest)} in any second, what the schedule allows ` +
      `(the limit plus its bucket of ${g.burst}, less one in a half-open second): the limit ` +
      'holds for the processes together.'
    );
  }
  if (busiest <= bound) {
    return (
      `the emulator saw at most ${n(busiest)} in any second, ${n(busiest - schedule)} more ` +
      `than the schedule's ${n(schedule)} and within the limit + 10% (${n(bound)}). ${where}`
    );
  }
  return `**the emulator saw ${n(busiest)} in one second, more than the limit + 10% (${n(bound)}).** ${where}`;
}

/**
 * `doc` with its PostgreSQL section replaced by `section` (or, if it has none, inserted before
 * "## How to run", else appended); everything else stays as it was.
 */
export function spliceSection(doc: string, section: string[]): string {
  const lines = doc.split('\n');
  const start = lines.findIndex((line) => line === POSTGRES_HEADING);
  if (start >= 0) {
    let end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
    if (end < 0) end = lines.length;
    lines.splice(start, end - start, ...section);
  } else {
    const notes = lines.findIndex((line) => line === '## How to run');
    lines.splice(notes >= 0 ? notes : lines.length, 0, ...section);
  }
  return lines.join('\n');
}
