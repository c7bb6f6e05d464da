/**
 * The alert conditions, evaluated as pure functions of the last stored state, one measured value
 * and the time: no I/O here, so every transition is unit-tested with a made-up clock.
 */
export const ALERT_NAMES = [
  'dead-letters',
  'oldest-pending',
  'b2c-failing',
  'signature-failures',
] as const;
export type AlertName = (typeof ALERT_NAMES)[number];

/** What receivers were last told about a condition. */
export type Announced = 'firing' | 'resolved';

/** One condition's state, kept in the alert state store so every process sees the same. */
export interface AlertState {
  alert: AlertName;
  /** The condition holds now (as of the last evaluation). */
  firing: boolean;
  /** Epoch ms the current state (firing or clear) began. */
  since: number;
  /** The value measured at the last evaluation. */
  value: number;
  /**
   * Dead letters: the count the growth is measured from (the lowest count seen since the
   * condition was last clear). 0 for the other conditions.
   */
  baseline: number;
  /**
   * What the webhooks were last told. An alert is due while it differs from `firing`; it stays
   * due (retried at the next check) until a send succeeds. Starts `resolved`: nothing was said.
   */
  announced: Announced;
}

export interface AlertRule {
  alert: AlertName;
  threshold: number;
}

/**
 * The condition's next state. Dead letters fire when the count grew by at least the threshold
 * over the baseline (the lowest count since the condition was last clear, so slow growth adds
 * up) and clear when the count is back at or below that baseline (the new dead letters were
 * replayed); the baseline holds while firing, so a growing pile raises no second alert. The
 * others fire at or above the threshold and clear below it.
 */
export function evaluate(
  rule: AlertRule,
  previous: AlertState | undefined,
  value: number,
  now: number,
): AlertState {
  const before: AlertState = previous ?? {
    alert: rule.alert,
    firing: false,
    since: now,
    value,
    // Dead letters already there when alerts start raise nothing: growth counts from here.
    baseline: value,
    announced: 'resolved',
  };
  let firing: boolean;
  let baseline = 0;
  if (rule.alert === 'dead-letters') {
    if (before.firing) {
      baseline = before.baseline;
      firing = value > baseline;
      // Cleared: growth counts from the count now.
      if (!firing) baseline = value;
    } else {
      baseline = Math.min(before.baseline, value);
      firing = value - baseline >= rule.threshold;
    }
  } else {
    firing = value >= rule.threshold;
  }
  return {
    alert: rule.alert,
    firing,
    since: firing === before.firing ? before.since : now,
    value,
    baseline,
    announced: before.announced,
  };
}

/** The message due for a state: firing, resolved, or none (receivers already know). */
export function dueAnnouncement(state: AlertState): Announced | undefined {
  const current: Announced = state.firing ? 'firing' : 'resolved';
  return current === state.announced ? undefined : current;
}

/** B2C answered: 2xx and 4xx other than 401, 403 and 429 prove the site reachable for us. */
export function isB2cReachable(status: number | undefined): boolean {
  if (status === undefined) return false;
  if (status >= 200 && status < 300) return true;
  return status >= 400 && status < 500 && ![401, 403, 429].includes(status);
}

/**
 * Follows B2C's answers in this process: minutes since the first failed call after the last
 * reachable answer, 0 while the last answer was reachable or no call failed. Calls that stop
 * after failures leave it failing: nothing has shown B2C back.
 */
export class B2cFailureClock {
  private failingSince: number | undefined;

  record(status: number | undefined, at: number): void {
    if (isB2cReachable(status)) this.failingSince = undefined;
    else this.failingSince ??= at;
  }

  failingMinutes(now: number): number {
    return this.failingSince === undefined ? 0 : Math.max(0, now - this.failingSince) / 60_000;
  }
}

/** Signature refusals per minute over a window of `windowMs`. */
export function perMinute(count: number, windowMs: number): number {
  return (count * 60_000) / windowMs;
}
