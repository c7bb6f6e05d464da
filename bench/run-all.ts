/**
 * `npm run bench`: every benchmark of issue 6 in one run on this machine, one after the other
 * (never two at once: they would measure each other).
 *
 *   (a) intake.bench.ts           bare Fastify vs the gateway's verified, durable intake
 *   (b) seed-vs-gateway.bench.ts  the seed's synchronous design vs the gateway's acknowledgement
 *   (c) drain.bench.ts            drain rate against b2c.rateLimitPerSecond
 *   (d) backlog-memory.bench.ts   RSS and intake with 1,000,000 messages waiting
 *
 * Writes bench/results/bench-<time>.json and latest.json, and docs/benchmarks.md (a quick or
 * partial run writes bench/results/benchmarks.{quick,partial}.md instead, unless
 * BENCH_WRITE_DOCS=1). Knobs: see
 * bench/support/knobs.ts. Exits non-zero when a scenario fails; a missed target is reported,
 * not an error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBacklog } from './backlog-memory.bench';
import { runDrain } from './drain.bench';
import { runIntake } from './intake.bench';
import { runSeedVsGateway } from './seed-vs-gateway.bench';
import { knobs } from './support/knobs';
import { describeMachine, loadNow } from './support/machine';
import { ROOT, stopAll } from './support/processes';
import { renderReport, type BenchResults } from './support/report';

const RESULTS_DIR = join(ROOT, 'bench', 'results');

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
      `${results.machine.cpuModel}, load average ${results.machine.loadAtStart.join(' ')}`,
  );
  results.intake = await scenario('a', 'intake: bare Fastify vs gateway', results, runIntake);
  results.seed = await scenario('b', 'seed (synchronous) vs gateway', results, runSeedVsGateway);
  results.drain = await scenario('c', 'drain vs b2c.rateLimitPerSecond', results, runDrain);
  results.backlog = await scenario('d', 'memory with a backlog', results, runBacklog);
  results.machine.loadAtEnd = loadNow();
  results.durationS = Math.round((Date.now() - started) / 1000);

  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = JSON.stringify(results, null, 2);
  const stamp = results.machine.date.replace(/[:.]/g, '-');
  writeFileSync(join(RESULTS_DIR, `bench-${stamp}.json`), json);
  writeFileSync(join(RESULTS_DIR, 'latest.json'), json);
  // Only a full, successful run of everything replaces the committed report (unless asked).
  const complete =
    ['a', 'b', 'c', 'd'].every((key) => knobs.only.includes(key)) &&
    Object.keys(results.failures).length === 0;
  const docs =
    process.env.BENCH_WRITE_DOCS === '1' || (!knobs.quick && complete)
      ? join(ROOT, 'docs', 'benchmarks.md')
      : join(RESULTS_DIR, knobs.quick ? 'benchmarks.quick.md' : 'benchmarks.partial.md');
  mkdirSync(join(docs, '..'), { recursive: true });
  writeFileSync(docs, renderReport(results));
  console.log(`\nResults: ${join(RESULTS_DIR, 'latest.json')}\nReport:  ${docs}`);
  console.log(`Load average at the end: ${results.machine.loadAtEnd.join(' ')}`);
  if (Object.keys(results.failures).length > 0) process.exitCode = 1;
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  // Whatever happened, leave nothing running (and do not wait on a child's open pipes).
  .finally(() => stopAll().finally(() => process.exit()));
