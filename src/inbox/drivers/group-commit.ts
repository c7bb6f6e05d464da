/**
 * Group commit: many small writes share one transaction, so concurrent webhooks share one fsync.
 *
 * At most one commit is under way. Writes that arrive while it runs wait and form the next batch,
 * which is committed as soon as the running one finishes: the slower the disk, the larger the
 * batches, with no timer. When nothing is under way, a write is committed at the end of the
 * current event-loop turn (or after `windowMs`, when configured), which already groups every
 * request that arrived together without delaying a lone webhook.
 */
export interface GroupCommitOptions<W, R> {
  maxBatch: number;
  windowMs: number;
  /** Commits the writes in one transaction; resolves with one result per write, in order. */
  commit: (writes: W[]) => Promise<R[]>;
  /** What callers get when the store is closed. */
  closedError: () => Error;
}

interface Queued<W, R> {
  write: W;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class GroupCommitter<W, R> {
  private queue: Queued<W, R>[] = [];
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private closed = false;
  /** Commits and writes so far, for metrics and the benchmark. */
  readonly stats = { commits: 0, writes: 0 };

  constructor(private readonly options: GroupCommitOptions<W, R>) {}

  submit(write: W): Promise<R> {
    if (this.closed) return Promise.reject(this.options.closedError());
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (this.running) return;
      if (this.queue.length >= this.options.maxBatch) this.start();
      else this.schedule();
    });
  }

  /** Commits everything queued and refuses later writes; nothing accepted is left behind. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running || this.queue.length > 0) {
      if (!this.running) this.start();
      await this.running;
    }
  }

  private schedule(): void {
    if (this.timer || this.immediate) return;
    if (this.options.windowMs > 0) {
      this.timer = setTimeout(() => this.start(), this.options.windowMs);
    } else {
      this.immediate = setImmediate(() => this.start());
    }
  }

  private start(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    if (this.running || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.running = this.run(batch).finally(() => {
      this.running = undefined;
      // What arrived meanwhile is the next batch; waiting longer would only add latency.
      if (this.queue.length > 0) this.start();
    });
  }

  private async run(batch: Queued<W, R>[]): Promise<void> {
    let results: R[];
    try {
      results = await this.options.commit(batch.map((queued) => queued.write));
    } catch (error) {
      for (const queued of batch) queued.reject(error);
      return;
    }
    this.stats.commits += 1;
    this.stats.writes += batch.length;
    batch.forEach((queued, index) => queued.resolve(results[index]));
  }
}
