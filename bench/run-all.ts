/**
 * `npm run bench`: every benchmark of issue 6 in one run on this machine, one after the other
 * (never two at once: they would measure each other).
 *
 *   (a) intake.bench.ts           bare Fastify vs the gateway's verified, durable intake
 *   (b) seed-vs-gateway.bench.ts  the seed's synchronous design vs the gateway's acknowledgement
 *   (c) drain.bench.ts            drain rate against b2c.rateLimitPerSecond
 *   (d) backlog-memory.bench.ts   RSS and intake with 1,000,000 messages waiting
 *
 * and, with several gateway processes on one PostgreSQL database (STORAGE_DRIVER=postgres):
 *
 *   (e) postgres-intake.bench.ts     intake of one process on PostgreSQL vs one on SQLite
 *   (f) postgres-processes.bench.ts  drain with 1, 2 and 3 processes, no rate limit
 *   (g) postgres-processes.bench.ts  one B2C rate limit shared by 3 processes
 *
 * and (h) conversation-replies.bench.ts: reply latency and B2C calls per poll.
 *
 * Writes bench/results/bench-<time>.json and latest.json, and docs/benchmarks.md (a quick or
 * partial run writes bench/results/benchmarks.{quick,partial}.md instead, unless
 * BENCH_WRITE_DOCS=1; BENCH_WRITE_DOCS=section, with e, f and g run, replaces only the
 * PostgreSQL section of docs/benchmarks.md). Either way the file's hand-written blocks are kept
 * (bench/support/hand-written.ts). Knobs: see
 * bench/support/knobs.ts. Exits non-zero when a scenario fails; a missed target is reported,
 * not an error.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBacklog } from './backlog-memory.bench';
import { runDrain } from './drain.bench';
import { runIntake } from './intake.bench';
import { runReplies } from './conversation-replies.bench';
import { runPostgresIntake } from './postgres-intake.bench';
import { runDrainScaling, runRateAdherence } from './postgres-processes.bench';
import { runSeedVsGateway } from './seed-vs-gateway.bench';
import { knobs } from './support/knobs';
import {
  handWrittenBlocks,
  keepHandWritten,
  withHandWritten,
  withoutHandWritten,
} from './support/hand-written';
import { describeMachine, loadNow } from './support/machine';
import { ROOT, stopAll } from './support/processes';
import { postgresSection, renderReport, spliceSection, type BenchResults } from './support/report';

const RESULTS_DIR = join(ROOT, 'bench', 'results');
const ALL_SCENARIOS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const POSTGRES_SCENARIOS = ['e', 'f', 'g'];

async function scenario<T>(
  key: string,
  title: string,
  results: BenchResults,
  run: () => Promise<T>,
): Promise<T | undefined> {
  if (!knobs.only.includes(key)) return undefined;
  const started = Date.now();
  console.log(`(${key}) ${title}…`);
  try {
    const result = await run();
    const targets = (result as { targets?: BenchResults['targets'] }).targets ?? [];
    results.targets.push(...targets);
    for (const t of targets) {
      console.log(`    ${t.what}: ${t.measured} (target ${t.target}: ${t.met ? 'met' : 'MISSED'})`);
    }
    console.log(`    done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return result;
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    results.failures[key] = message;
    console.error(`    (${key}) failed: ${message}`);
    return undefined;
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const results: BenchResults = {
    machine: describeMachine(),
    knobs,
    durationS: 0,
    failures: {},
    targets: [],
  };
  console.log(
    `${knobs.quick ? 'Quick' : 'Full'} benchmark run on ${results.machine.cores} × ` +
      `${results.machine.cpuModel}, Node.js ${results.machine.node}, load average ` +
      results.machine.loadAtStart.join(' '),
  );
  results.intake = await scenario('a', 'intake: bare Fastify vs gateway', results, runIntake);
  results.seed = await scenario('b', 'seed (synchronous) vs gateway', results, runSeedVsGateway);
  results.drain = await scenario('c', 'drain vs b2c.rateLimitPerSecond', results, runDrain);
  results.backlog = await scenario('d', 'memory with a backlog', results, runBacklog);
  results.postgresIntake = await scenario(
    'e',
    'intake: one process on PostgreSQL vs one on SQLite',
    results,
    runPostgresIntake,
  );
  results.drainScaling = await scenario(
    'f',
    'drain with 1, 2, 3 processes on PostgreSQL',
    results,
    runDrainScaling,
  );
  results.rateAdherence = await scenario(
    'g',
    'one B2C rate limit for 3 processes on PostgreSQL',
    results,
    runRateAdherence,
  );
  results.replies = await scenario(
    'h',
    'SMS conversations: reply latency, B2C calls per poll',
    results,
    runReplies,
  );
  results.machine.loadAtEnd = loadNow();
  results.durationS = Math.round((Date.now() - started) / 1000);

  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = JSON.stringify(results, null, 2);
  const stamp = results.machine.date.replace(/[:.]/g, '-');
  writeFileSync(join(RESULTS_DIR, `bench-${stamp}.json`), json);
  writeFileSync(join(RESULTS_DIR, 'latest.json'), json);
  // Only a full, successful run of everything replaces the committed report (unless asked).
  const complete =
    ALL_SCENARIOS.every((key) => knobs.only.includes(key)) &&
    Object.keys(results.failures).length === 0;
  const committed = join(ROOT, 'docs', 'benchmarks.md');
  const docs =
    process.env.BENCH_WRITE_DOCS === '1' || (!knobs.quick && complete)
      ? committed
      : join(RESULTS_DIR, knobs.quick ? 'benchmarks.quick.md' : 'benchmarks.partial.md');
  mkdirSync(join(docs, '..'), { recursive: true });
  const previous = existsSync(docs) ? readFileSync(docs, 'utf8') : '';
  writeFileSync(docs, keepHandWritten(previous, renderReport(results)));
  console.log(`\nResults: ${join(RESULTS_DIR, 'latest.json')}\nReport:  ${docs}`);
  if (process.env.BENCH_WRITE_DOCS === 'section') writeSection(results, committed);
  console.log(`Load average at the end: ${results.machine.loadAtEnd.join(' ')}`);
  if (Object.keys(results.failures).length > 0) process.exitCode = 1;
}

/** Replaces the PostgreSQL section of the committed report, and only that, with this run's. */
function writeSection(results: BenchResults, file: string): void {
  const missing = POSTGRES_SCENARIOS.filter((key) => !knobs.only.includes(key));
  const failed = POSTGRES_SCENARIOS.filter((key) => key in results.failures);
  if (missing.length > 0 || failed.length > 0) {
    console.log(
      `Not written to ${file}: the PostgreSQL section needs e, f and g to succeed ` +
        `(${[...missing.map((k) => `${k} not run`), ...failed.map((k) => `${k} failed`)].join(', ')})`,
    );
    return;
  }
  const doc = existsSync(file) ? readFileSync(file, 'utf8') : renderReport(results);
  const spliced = spliceSection(withoutHandWritten(doc), postgresSection(results));
  writeFileSync(file, withHandWritten(spliced, handWrittenBlocks(doc)));
  console.log(`Section: ${file} (its PostgreSQL section only)`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  // Whatever happened, leave nothing running (and do not wait on a child's open pipes).
  .finally(() => stopAll().finally(() => process.exit()));
