export const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

export const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/** Rounds for display and JSON: whole numbers above 100, else up to 2 decimals. */
export const round = (value: number): number =>
  Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 100) / 100;

/** The p-th percentile (nearest rank) of values sorted ascending, rounded for display. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
}

export interface Target {
  /** What is compared, e.g. "gateway req/s ÷ bare Fastify req/s". */
  what: string;
  /** The target as written, e.g. "≥ 50%". */
  target: string;
  measured: string;
  met: boolean;
}
