import type { AlertFormat } from '../config/alerts.settings';
import type { AlertName, AlertState, Announced } from './alert-conditions';

/** The `json` format's body; the `slack` format says the same in one line of text. */
export interface AlertNotice {
  alert: AlertName;
  state: Announced;
  summary: string;
  /** The measured value, in the threshold's unit (dead letters: the growth). */
  value: number;
  threshold: number;
  /** ISO 8601: when the condition began to hold (firing) or stopped holding (resolved). */
  since: string;
  /** The gateway instance that evaluated it. */
  gateway: string;
}

const TITLES: Record<AlertName, string> = {
  'dead-letters': 'dead letters',
  'oldest-pending': 'oldest pending message',
  'b2c-failing': 'B2C failing',
  'signature-failures': 'signature failures',
};

const round = (value: number) => Math.round(value * 10) / 10;

/** Counts and durations only: never a phone number, message text, URL or credential. */
function summaryOf(state: AlertState, threshold: number, windowSeconds: number): string {
  const value = round(state.value);
  switch (state.alert) {
    case 'dead-letters':
      return state.firing
        ? `${value} dead letters, ${round(state.value - state.baseline)} more since the ` +
            `condition was last clear (threshold ${threshold})`
        : `dead letters back to ${value}: the new ones were replayed or removed`;
    case 'oldest-pending':
      return `the oldest pending message has waited ${value} s (threshold ${threshold} s)`;
    case 'b2c-failing':
      return state.firing
        ? `no reachable answer from B2C for ${value} min (threshold ${threshold} min)`
        : 'B2C answers again';
    case 'signature-failures':
      return (
        `${value} signature refusals per minute over the last ${windowSeconds} s ` +
        `(threshold ${threshold})`
      );
  }
}

export function alertNotice(
  state: AlertState,
  threshold: number,
  options: { gateway: string; signatureWindowSeconds: number },
): AlertNotice {
  return {
    alert: state.alert,
    state: state.firing ? 'firing' : 'resolved',
    summary: summaryOf(state, threshold, options.signatureWindowSeconds),
    value: round(state.alert === 'dead-letters' ? state.value - state.baseline : state.value),
    threshold,
    since: new Date(state.since).toISOString(),
    gateway: options.gateway,
  };
}

/** The request body for `format`. */
export function alertBody(notice: AlertNotice, format: AlertFormat): string {
  if (format === 'json') return JSON.stringify(notice);
  const mark = notice.state === 'firing' ? 'FIRING' : 'RESOLVED';
  return JSON.stringify({
    text:
      `[${mark}] ${TITLES[notice.alert]}: ${notice.summary}. ` +
      `Gateway ${notice.gateway}, since ${notice.since}.`,
  });
}
