import { ServerClockOffset } from './server-clock-offset';

describe('ServerClockOffset', () => {
  it('maps server time to local time by the fastest recent round trip', () => {
    const offset = new ServerClockOffset(3);
    expect(offset.toLocal(1_000)).toBeUndefined();
    // Local clock 500 ms ahead; answers took 40, 2 and 90 ms to come back.
    offset.note(1_540, 1_000);
    offset.note(2_502, 2_000);
    offset.note(3_590, 3_000);
    expect(offset.toLocal(10_000)).toBe(10_502);
  });

  it('forgets samples older than its window, so drift is followed', () => {
    const offset = new ServerClockOffset(2);
    offset.note(1_502, 1_000); // 502
    offset.note(2_510, 2_000); // 510
    offset.note(3_520, 3_000); // 520: the 502 sample is gone
    expect(offset.toLocal(0)).toBe(510);
  });
});
