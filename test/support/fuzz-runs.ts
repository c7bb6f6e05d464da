/**
 * fast-check run counts: the given number in CI, `FUZZ_RUNS` when larger (the nightly
 * `npm run fuzz`), so every property can be pushed further without editing it.
 */
export function fuzzRuns(ciRuns: number): number {
  const requested = Number(process.env.FUZZ_RUNS);
  return Number.isFinite(requested) && requested > ciRuns ? requested : ciRuns;
}
