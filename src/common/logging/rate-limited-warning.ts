/** What RateLimitedWarning writes to: Nest's Logger fits. */
export interface WarningSink {
  warn(message: string): unknown;
}

/** Once a minute: an outage that lasts still shows, without one line per request. */
const DEFAULT_EVERY_MS = 60_000;

/**
 * A recurring failure (a shared store unreachable under load) reported at most once per
 * interval, with how many were left unreported since, so a flood of failures cannot become a
 * flood of log lines.
 */
export class RateLimitedWarning {
  private lastAt = Number.NEGATIVE_INFINITY;
  private unreported = 0;

  constructor(
    private readonly sink: WarningSink,
    private readonly everyMs = DEFAULT_EVERY_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  warn(message: string): void {
    const now = this.clock();
    if (now - this.lastAt < this.everyMs) {
      this.unreported += 1;
      return;
    }
    const since = this.unreported > 0 ? ` (${this.unreported} more since the last report)` : '';
    this.lastAt = now;
    this.unreported = 0;
    this.sink.warn(`${message}${since}`);
  }
}
