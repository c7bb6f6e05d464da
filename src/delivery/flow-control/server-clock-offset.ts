/**
 * How far this process's clock is ahead of the database server's, estimated as a client would
 * from round trips: each answer that carries the server's time bounds the offset from above by
 * (arrival here − server time), the bound being tightest for the fastest round trip. The
 * smallest of the recent samples is kept, so a slow answer (a busy pool, a new connection) does
 * not push its turn later, where it would go out together with the turns after it; recent only,
 * so that the clocks' drift is followed.
 */
export class ServerClockOffset {
  private readonly samples: number[] = [];
  private next = 0;

  constructor(private readonly window = 64) {}

  /** One answer: the local time it arrived and the server's time in it (epoch ms both). */
  note(arrivedAt: number, serverTime: number): void {
    const sample = arrivedAt - serverTime;
    if (this.samples.length < this.window) this.samples.push(sample);
    else this.samples[this.next] = sample;
    this.next = (this.next + 1) % this.window;
  }

  /** Local time of a server time; undefined before the first sample. */
  toLocal(serverTime: number): number | undefined {
    if (this.samples.length === 0) return undefined;
    return serverTime + Math.min(...this.samples);
  }
}
