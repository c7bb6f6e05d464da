/**
 * Runs many small writes in one transaction, so concurrent webhooks share one fsync.
 *
 * A write is queued and the batch is committed at the end of the current event-loop turn
 * (setImmediate), or after `windowMs` when configured, or at once when `maxBatch` writes wait.
 * Everything that arrived together is grouped without delaying a lone write by a timer.
 * Each caller's promise settles only after the commit that holds its write.
 */
export interface GroupCommitOptions {
  maxBatch: number;
  windowMs: number;
  /** Runs the callback inside one transaction and commits it; throws if the commit fails. */
  transaction: (work: () => void) => void;
  /** Maps a failed commit to the error every waiting caller receives. */
  onCommitError: (error: unknown) => Error;
}

interface QueuedWrite {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class GroupCommitter {
  private queue: QueuedWrite[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private closed = false;
  /** Number of commits and writes, for metrics and the benchmark. */
  readonly stats = { commits: 0, writes: 0 };

  constructor(private readonly options: GroupCommitOptions) {}

  submit<T>(run: () => T): Promise<T> {
    if (this.closed)
      return Promise.reject(this.options.onCommitError(new Error('store is closed')));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (this.queue.length >= this.options.maxBatch) this.flush();
      else this.schedule();
    });
  }

  /** Commits what is queued now; used on shutdown so accepted work is not left behind. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const results: unknown[] = new Array(batch.length);
    try {
      this.options.transaction(() => {
        batch.forEach((write, index) => {
          results[index] = write.run();
        });
      });
    } catch (error) {
      const failure = this.options.onCommitError(error);
      for (const write of batch) write.reject(failure);
      return;
    }
    this.stats.commits += 1;
    this.stats.writes += batch.length;
    batch.forEach((write, index) => write.resolve(results[index]));
  }

  close(): void {
    this.flush();
    this.closed = true;
  }

  private schedule(): void {
    if (this.timer || this.immediate) return;
    if (this.options.windowMs > 0)
      this.timer = setTimeout(() => this.flush(), this.options.windowMs);
    else this.immediate = setImmediate(() => this.flush());
  }
}
