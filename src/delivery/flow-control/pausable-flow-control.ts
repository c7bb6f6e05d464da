import { B2cFlowControlClosedError, type B2cFlowControl } from './b2c-flow-control.port';
import type { FlowClock } from './flow-clock';

/**
 * What both implementations share: how acquire() combines the pause with the rate, and close().
 * A subclass says where the rate's schedule lives (reserve) and how a pause reaches the other
 * processes (sharePause).
 */
export abstract class PausableFlowControl implements B2cFlowControl {
  private knownPausedUntil = 0;
  private readonly closing = new AbortController();

  /**
   * @param lateAfterMs a turn whose caller wakes later than this after its send time is given up
   *   for a fresh one (once per call): the rate's spacing (1000 / rate ms); Infinity without a rate.
   */
  protected constructor(
    protected readonly clock: FlowClock,
    private readonly lateAfterMs: number,
  ) {}

  /** Takes one turn under the rate limit and returns its send time (epoch ms). */
  protected abstract reserve(): Promise<number>;
  /** Makes a pause, already known here, known to every process sharing the limit. */
  protected abstract sharePause(untilMs: number): Promise<void>;
  protected abstract release(): Promise<void>;

  async acquire(): Promise<void> {
    let retook = false;
    for (;;) {
      await this.waitOutPause();
      const sendAt = await this.reserve();
      const wait = sendAt - this.clock.now();
      if (wait > 0) await this.sleep(wait);
      // A pause that began while this call waited for its turn voids the turn: every turn that
      // fell inside the pause would otherwise go out together when it ends, over the rate.
      if (this.knownPausedUntil > this.clock.now()) continue;
      // So does waking late (a busy event loop, e.g. at start-up): sent now, the turn would go
      // out together with the turns after it. Only once per call, so that a process whose
      // timers always run late still sends.
      if (!retook && this.clock.now() - sendAt > this.lateAfterMs) {
        retook = true;
        continue;
      }
      return;
    }
  }

  async pause(untilMs: number): Promise<void> {
    // Known here first: this process's callers stop at once, whatever sharing it costs.
    this.notePause(untilMs);
    await this.sharePause(Math.ceil(untilMs));
  }

  pausedUntil(): number {
    return this.knownPausedUntil;
  }

  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    await this.release();
  }

  /** Takes a pause into account, however this process learnt of it. */
  protected notePause(untilMs: number): void {
    if (Number.isFinite(untilMs)) this.knownPausedUntil = Math.max(this.knownPausedUntil, untilMs);
  }

  private async waitOutPause(): Promise<void> {
    // The pause may be extended while it is waited out: look again after each sleep.
    for (;;) {
      this.throwIfClosed();
      const wait = this.knownPausedUntil - this.clock.now();
      if (wait <= 0) return;
      await this.sleep(wait);
    }
  }

  private async sleep(ms: number): Promise<void> {
    try {
      await this.clock.sleep(ms, this.closing.signal);
    } catch (error) {
      this.throwIfClosed();
      throw error;
    }
    this.throwIfClosed();
  }

  private throwIfClosed(): void {
    if (this.closing.signal.aborted) throw new B2cFlowControlClosedError();
  }
}
