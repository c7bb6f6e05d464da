/**
 * Every duration and size of `npm run bench`, from the environment. `BENCH_QUICK=1` shrinks them
 * to a smoke run (run times: docs/benchmarks.md, How to run).
 */
const quick = process.env.BENCH_QUICK === '1';

function num(name: string, full: number, smoke: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return quick ? smoke : full;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0`);
  return value;
}

function list(name: string, full: string, smoke: string): string[] {
  const text = process.env[name] ?? (quick ? smoke : full);
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

export const knobs = {
  quick,
  /**
   * Which scenarios to run: a (intake), b (seed vs gateway), c (drain), d (backlog memory);
   * on PostgreSQL: e (intake vs SQLite), f (drain with 1, 2, 3 processes), g (shared rate limit);
   * h: SMS conversations (reply latency, B2C calls per poll).
   */
  only: list('BENCH_ONLY', 'a,b,c,d,e,f,g,h', 'a,b,c,d,e,f,g,h'),
  /** Where the built gateway is (`npm run build` writes dist/). */
  dist: process.env.BENCH_DIST ?? 'dist',
  logLevel: process.env.BENCH_LOG_LEVEL ?? 'warn',
  /** Concurrent senders, as in the target "p99 ack ≤ 25 ms with 50 concurrent senders". */
  connections: num('BENCH_CONNECTIONS', 50, 50),

  intake: {
    warmupS: num('BENCH_WARMUP_S', 3, 1),
    durationS: num('BENCH_DURATION_S', 10, 3),
    // Five: single rounds vary on a shared host (docs/benchmarks.md, (a) Method).
    rounds: num('BENCH_ROUNDS', 5, 1),
  },

  seed: {
    /** B2C latency per call in the normal phase, as the issue states. */
    latencyMs: num('BENCH_SEED_LATENCY_MS', 50, 50),
    /** Offered webhooks per second, the same for both designs. */
    rate: num('BENCH_SEED_RATE', 100, 100),
    durationS: num('BENCH_SEED_DURATION_S', 20, 5),
    slowLatencyMs: num('BENCH_SLOW_LATENCY_MS', 5000, 5000),
    /** Webhooks are sent for this long; each then still gets Twilio's 15 s to be answered. */
    slowDurationS: num('BENCH_SLOW_DURATION_S', 30, 8),
  },

  drain: {
    latencyMs: num('BENCH_DRAIN_LATENCY_MS', 20, 20),
    rates: list('BENCH_DRAIN_RATES', '50,100,0', '50').map(Number),
    warmupS: num('BENCH_DRAIN_WARMUP_S', 3, 2),
    windowS: num('BENCH_DRAIN_WINDOW_S', 30, 6),
    concurrency: num('BENCH_DRAIN_CONCURRENCY', 4, 4),
  },

  /**
   * e–g: gateway processes on one PostgreSQL database (TEST_DATABASE_URL, else the local server
   * as postgres with trust authentication), a fresh schema per scenario. (e) takes the rounds
   * and durations of `intake`; (f) and (g) the emulator latency and worker concurrency of `drain`.
   */
  postgres: {
    /** (f) messages in the backlog each set of processes drains. */
    drainMessages: num('BENCH_PG_DRAIN_MESSAGES', 1500, 300),
    /** (f) how many processes, one drain each. */
    drainProcesses: list('BENCH_PG_DRAIN_PROCESSES', '1,2,3', '1,2,3').map(Number),
    /** (g) the shared b2c.rateLimitPerSecond and the processes sharing it. */
    rateLimit: num('BENCH_PG_RATE_LIMIT', 50, 50),
    rateProcesses: num('BENCH_PG_RATE_PROCESSES', 3, 3),
    rateWarmupS: num('BENCH_PG_RATE_WARMUP_S', 5, 2),
    rateWindowS: num('BENCH_PG_RATE_WINDOW_S', 30, 8),
  },

  backlog: {
    messages: num('BENCH_BACKLOG', 1_000_000, 100_000),
    intakeS: num('BENCH_BACKLOG_INTAKE_S', 10, 3),
    settleS: num('BENCH_BACKLOG_SETTLE_S', 5, 2),
  },
};

export type Knobs = typeof knobs;
