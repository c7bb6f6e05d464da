import {
  B2cFailureClock,
  dueAnnouncement,
  evaluate,
  isB2cReachable,
  perMinute,
  type AlertRule,
  type AlertState,
} from './alert-conditions';
import { alertBody, alertNotice } from './alert-notice';

/** Evaluates `values` in turn, one minute apart, marking each due announcement as sent. */
function run(rule: AlertRule, values: number[], start = 1_000_000) {
  let state: AlertState | undefined;
  const sent: string[] = [];
  values.forEach((value, index) => {
    state = evaluate(rule, state, value, start + index * 60_000);
    const due = dueAnnouncement(state);
    if (due) {
      sent.push(`${due}@${index}`);
      state = { ...state, announced: due };
    }
  });
  return { state: state!, sent };
}

describe('alert conditions', () => {
  describe('dead letters', () => {
    const rule: AlertRule = { alert: 'dead-letters', threshold: 2 };

    it('ignores the dead letters there when alerts start, and fires once on growth', () => {
      // 5 at start, +1 (not enough), +1 (2 over the baseline): fires; growing more says nothing.
      expect(run(rule, [5, 6, 7, 9, 12]).sent).toEqual(['firing@2']);
    });

    it('adds slow growth up, from the lowest count since it was clear', () => {
      // Down to 3 (replays), then one at a time: 5 is 2 over 3.
      expect(run(rule, [5, 3, 4, 5]).sent).toEqual(['firing@3']);
    });

    it('resolves once the count is back at the baseline, and can fire again after', () => {
      const { sent, state } = run(rule, [0, 2, 1, 0, 0, 1, 2]);
      expect(sent).toEqual(['firing@1', 'resolved@3', 'firing@6']);
      expect(state).toMatchObject({ firing: true, baseline: 0, value: 2 });
    });

    it('keeps the time the condition began while it holds', () => {
      let state = evaluate(rule, undefined, 0, 1);
      state = evaluate(rule, state, 3, 2);
      state = evaluate(rule, state, 4, 3);
      expect(state).toMatchObject({ firing: true, since: 2 });
    });
  });

  describe('threshold conditions', () => {
    it.each(['oldest-pending', 'b2c-failing', 'signature-failures'] as const)(
      '%s fires at the threshold and resolves below it, once each',
      (alert) => {
        const { sent } = run({ alert, threshold: 10 }, [0, 9.9, 10, 50, 11, 9, 3, 12]);
        expect(sent).toEqual(['firing@2', 'resolved@5', 'firing@7']);
      },
    );

    it('resolves nothing that was never announced as firing', () => {
      expect(run({ alert: 'oldest-pending', threshold: 10 }, [0, 5, 0]).sent).toEqual([]);
    });
  });

  describe('announcements', () => {
    const rule: AlertRule = { alert: 'oldest-pending', threshold: 10 };

    it('stays due, once, while sending fails, and then is sent once', () => {
      let state = evaluate(rule, undefined, 20, 0);
      expect(dueAnnouncement(state)).toBe('firing');
      // The send failed: `announced` is unchanged, so the next check finds it due again.
      state = evaluate(rule, state, 30, 1);
      expect(dueAnnouncement(state)).toBe('firing');
      state = { ...state, announced: 'firing' };
      state = evaluate(rule, state, 40, 2);
      expect(dueAnnouncement(state)).toBeUndefined();
    });

    it('says nothing when the condition cleared before its firing alert could be sent', () => {
      let state = evaluate(rule, undefined, 20, 0);
      state = evaluate(rule, state, 0, 1);
      expect(dueAnnouncement(state)).toBeUndefined();
    });
  });

  describe('B2C failing', () => {
    it.each([
      [200, true],
      [204, true],
      [404, true],
      [400, true],
      [401, false],
      [403, false],
      [429, false],
      [500, false],
      [503, false],
      [undefined, false],
    ])('status %s counts as reachable: %s', (status, reachable) => {
      expect(isB2cReachable(status)).toBe(reachable);
    });

    it('counts minutes from the first failure after the last reachable answer', () => {
      const clock = new B2cFailureClock();
      expect(clock.failingMinutes(0)).toBe(0);
      clock.record(200, 0);
      clock.record(503, 60_000);
      clock.record(undefined, 120_000);
      expect(clock.failingMinutes(360_000)).toBe(5);
      clock.record(404, 400_000);
      expect(clock.failingMinutes(500_000)).toBe(0);
    });
  });

  it('measures signature refusals per minute over the window', () => {
    expect(perMinute(100, 300_000)).toBe(20);
    expect(perMinute(2, 3_000)).toBe(40);
  });

  describe('notices', () => {
    const firing: AlertState = {
      alert: 'dead-letters',
      firing: true,
      since: Date.UTC(2026, 11, 7, 1, 2, 3),
      value: 7,
      baseline: 4,
      announced: 'resolved',
    };
    const options = { gateway: 'gw-1 (instance 0a0b0c0d)', signatureWindowSeconds: 300 };

    it('json: the structured body, the value in the threshold’s unit', () => {
      expect(JSON.parse(alertBody(alertNotice(firing, 2, options), 'json'))).toEqual({
        alert: 'dead-letters',
        state: 'firing',
        summary: '7 dead letters, 3 more since the condition was last clear (threshold 2)',
        value: 3,
        threshold: 2,
        since: '2026-12-07T01:02:03.000Z',
        gateway: 'gw-1 (instance 0a0b0c0d)',
      });
    });

    it('slack: one text naming the condition, value, threshold and gateway', () => {
      const body = JSON.parse(alertBody(alertNotice(firing, 2, options), 'slack')) as object;
      expect(Object.keys(body)).toEqual(['text']);
      expect(body).toEqual({
        text:
          '[FIRING] dead letters: 7 dead letters, 3 more since the condition was last clear ' +
          '(threshold 2). Gateway gw-1 (instance 0a0b0c0d), since 2026-12-07T01:02:03.000Z.',
      });
    });
  });
});
