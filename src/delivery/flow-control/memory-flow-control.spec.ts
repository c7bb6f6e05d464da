import { B2cFlowControlClosedError } from './b2c-flow-control.port';
import type { FlowClock } from './flow-clock';
import { MemoryB2cFlowControl } from './memory-flow-control';

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A clock that moves only when told to; sleepers wake in time order as it passes them. */
class ManualClock implements FlowClock {
  private time = 1_000_000;
  private sleepers: { at: number; wake: () => void }[] = [];
  readonly sleeps: number[] = [];

  now = (): number => this.time;

  sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      this.sleeps.push(ms);
      const sleeper = { at: this.time + ms, wake: resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(new Error('aborted'));
      });
    });

  /** Moves the clock without waking anyone, as an event loop busy for `ms` would. */
  stall(ms: number): void {
    this.time += ms;
  }

  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      await flush();
      const due = this.sleepers.filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.sleepers = this.sleepers.filter((s) => s !== due);
      this.time = Math.max(this.time, due.at);
      due.wake();
    }
    this.time = target;
    await flush();
  }
}

/** Starts `count` acquires and records when (ms after the start) each one resolved. */
function acquireMany(flow: MemoryB2cFlowControl, clock: ManualClock, count: number) {
  const start = clock.now();
  const at: (number | undefined)[] = Array.from({ length: count }, () => undefined);
  const all = Promise.all(
    at.map((_, i) => flow.acquire().then(() => (at[i] = clock.now() - start))),
  );
  return { at, all };
}

describe('MemoryB2cFlowControl', () => {
  it('lets every call go at once without a limit or a pause', async () => {
    const clock = new ManualClock();
    const flow = new MemoryB2cFlowControl(0, clock);
    const { at, all } = acquireMany(flow, clock, 20);
    await all;
    expect(at).toEqual(Array.from({ length: 20 }, () => 0));
    expect(clock.sleeps).toEqual([]);
  });

  it('spaces calls 1000 / rate ms apart', async () => {
    const clock = new ManualClock();
    const flow = new MemoryB2cFlowControl(10, clock, 1);
    const { at, all } = acquireMany(flow, clock, 5);
    await clock.advance(1_000);
    await all;
    expect(at).toEqual([0, 100, 200, 300, 400]);
  });

  it('lets a full bucket go at once, then spaces the rest (default burst: 50 ms of calls)', async () => {
    const clock = new ManualClock();
    const flow = new MemoryB2cFlowControl(100, clock);
    expect(flow.bucket?.burst).toBe(5);
    const { at, all } = acquireMany(flow, clock, 8);
    await clock.advance(1_000);
    await all;
    expect(at).toEqual([0, 0, 0, 0, 0, 10, 20, 30]);
  });

  it('holds every call until the pause ends, then lets them go at the rate', async () => {
    const clock = new ManualClock();
    const flow = new MemoryB2cFlowControl(10, clock, 1);
    await flow.pause(clock.now() + 3_000);
    const { at, all } = acquireMany(flow, clock, 3);
    await clock.advance(2_999);
    expect(at).toEqual([undefined, undefined, undefined]);
    await clock.advance(1_000);
    await all;
    expect(at).toEqual([3_000, 3_100, 3_200]);
  });

  it('waits for a pause extended while it waited, and never for a shorter one', async () => {
    const clock = new ManualClock();
    const flow = new MemoryB2cFlowControl(0, clock);
    const start = clock.now();
    await flow.pause(start + 1_000);
    const { at, all } = acquireMany(flow, clock, 1);
    await clock.advance(500);
    await flow.pause(start + 2_000);
    await flow.pause(start + 1_500);
    expect(flow.pausedUntil()).toBe(start + 2_000);
    await clock.advance(1_499);
    expect(at).toEqual([undefined]);
    await clock.advance(1);
    await all;
    expect(at).toEqual([2_000]);
  });

  it('looks at the pause again after the rate wait: a turn inside a pause is taken again after it', async () => {
    const clock = new ManualClock();
    const flow = new MemoryB2cFlowControl(10, clock, 1);
    // Turns at 0, 100 and 200 ms.
    const { at, all } = acquireMany(flow, clock, 3);
    await clock.advance(50);
    expect(at).toEqual([0, undefined, undefined]);
    // B2C throttles the first call: pause until 150 ms, which covers the second call's turn.
    await flow.pause(clock.now() + 100);
    await clock.advance(1_000);
    await all;
    // The second call did not go at 100 (paused) nor at 150 with the third close behind: it
    // took the next free turn, 300 ms. The third's turn (200 ms) was after the pause.
    expect(at).toEqual([0, 300, 200]);
  });

  it('gives up a turn woken late for a fresh one, once per call', async () => {
    const clock = new ManualClock();
    const flow = new MemoryB2cFlowControl(10, clock, 1);
    // Turns at 0, 100 and 200 ms; the event loop is stuck from 50 to 350 ms.
    const { at, all } = acquireMany(flow, clock, 3);
    await clock.advance(50);
    expect(at).toEqual([0, undefined, undefined]);
    clock.stall(300);
    await clock.advance(0);
    // Both woke late (250 and 150 ms past their turns): sent now they would go out together.
    // Each takes a fresh turn instead: the next free one (now, 350 ms), then 100 ms later.
    await clock.advance(1_000);
    await all;
    expect(at).toEqual([0, 350, 450]);

    // A second late wake-up in the same call sends anyway: a process whose timers always run
    // late must still send.
    const late = new MemoryB2cFlowControl(10, clock, 1);
    const second = acquireMany(late, clock, 2);
    await clock.advance(0);
    clock.stall(500);
    await clock.advance(0);
    clock.stall(500);
    await clock.advance(1_000);
    await second.all;
    expect(second.at.every((value) => value !== undefined)).toBe(true);
  });

  it('counts its pause from pause(), and says so in pausedUntil()', async () => {
    const clock = new ManualClock();
    const flow = new MemoryB2cFlowControl(0, clock);
    expect(flow.pausedUntil()).toBe(0);
    await flow.pause(clock.now() + 250.4);
    expect(flow.pausedUntil()).toBe(clock.now() + 250.4);
  });

  it('rejects calls waiting on a pause when closed, and every call after', async () => {
    const clock = new ManualClock();
    const flow = new MemoryB2cFlowControl(0, clock);
    await flow.pause(clock.now() + 60_000);
    const waiting = flow.acquire();
    await flush();
    await flow.close();
    await expect(waiting).rejects.toBeInstanceOf(B2cFlowControlClosedError);
    await expect(flow.acquire()).rejects.toBeInstanceOf(B2cFlowControlClosedError);
  });

  it('has no bucket for rate 0 and a bucket of that rate otherwise', () => {
    expect(new MemoryB2cFlowControl(0).bucket).toBeUndefined();
    expect(new MemoryB2cFlowControl(25).bucket?.ratePerSecond).toBe(25);
  });
});
