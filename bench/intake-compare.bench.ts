/**
 * Two builds of the gateway under (a)'s intake load, side by side: CPU per answered webhook of
 * each, in alternating rounds (which goes first alternates too), and their ratio per round. The
 * host's speed drifts between runs and even between rounds; the two builds of one round share
 * it, so the paired ratio is what compares them (docs/benchmarks.md, (a), "Libraries or bypasses").
 *
 * Build each into its own folder first (e.g. a `git worktree` of the older commit, `nest build`),
 * then: `npx ts-node --transpile-only bench/intake-compare.bench.ts <before dist> <after dist>`.
 * Knobs: BENCH_ROUNDS (rounds, default 5), BENCH_DURATION_S (s per round), BENCH_WARMUP_S.
 * Prints numbers; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureRound, sendWebhooks } from './intake.bench';
import { startGateway, type GatewayProcess } from './support/gateway-process';
import { knobs } from './support/knobs';
import { stopAll, stopEach } from './support/processes';
import { median, sum } from './support/stats';

async function compare(beforeDist: string, afterDist: string): Promise<void> {
  const { warmupS, durationS, rounds } = knobs.intake;
  const dataDirs: string[] = [];
  const start = (dist: string): Promise<GatewayProcess> => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-compare-'));
    dataDirs.push(dataDir);
    return startGateway({ dataDir, workerEnabled: false, dist });
  };
  const builds: GatewayProcess[] = [];
  try {
    builds.push(await start(beforeDist), await start(afterDist));
    for (const build of builds) await sendWebhooks(build.url, warmupS);
    const ratios: number[] = [];
    const cpu: [number[], number[]] = [[], []];
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      const us: number[] = [0, 0];
      for (const i of order) {
        const measured = await measureRound(builds[i].url, builds[i].proc.pid, durationS);
        if (!measured.cpu) throw new Error('CPU per request needs /proc (Linux)');
        if (measured.non2xx + measured.errors > 0)
          throw new Error('a webhook was not answered 2xx');
        us[i] = measured.cpu.serverUs;
        cpu[i].push(us[i]);
      }
      ratios.push(us[1] / us[0]);
      console.log(
        `round ${round + 1}: before ${us[0]} µs, after ${us[1]} µs per webhook; after ÷ before ${(us[1] / us[0]).toFixed(3)}`,
      );
    }
    console.log(
      `after ÷ before over ${rounds} rounds: median ${median(ratios).toFixed(3)}, mean ` +
        `${(sum(ratios) / ratios.length).toFixed(3)}; medians ${median(cpu[0])} µs before, ` +
        `${median(cpu[1])} µs after`,
    );
  } finally {
    await stopEach(builds);
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [before, after] = process.argv.slice(2);
  if (!before || !after) {
    console.error('usage: bench/intake-compare.bench.ts <before dist> <after dist>');
    process.exit(2);
  }
  compare(before, after)
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => stopAll().finally(() => process.exit()));
}
