import { decideAfterFailure } from './retry-policy';

const settings = { maxAttempts: 3, backoffBaseMs: 1000, backoffMaxMs: 60_000 };
const half = () => 0.5;

describe('decideAfterFailure', () => {
  it('retries a retryable failure with exponential backoff and equal jitter', () => {
    expect(decideAfterFailure(0, { retryable: true }, settings, half)).toEqual({
      kind: 'retry',
      attempts: 1,
      delayMs: 750,
    });
    expect(decideAfterFailure(1, { retryable: true }, settings, half)).toEqual({
      kind: 'retry',
      attempts: 2,
      delayMs: 1500,
    });
  });

  it('dead-letters once the attempts reach the maximum, and a failure that is not retryable at once', () => {
    expect(decideAfterFailure(2, { retryable: true }, settings, half)).toEqual({
      kind: 'dead',
      attempts: 3,
    });
    expect(decideAfterFailure(0, { retryable: false }, settings, half)).toEqual({
      kind: 'dead',
      attempts: 1,
    });
  });

  it('never retries before a pause the far side asked for, nor before the failure’s own floor', () => {
    const paused = decideAfterFailure(0, { retryable: true, pauseAllMs: 3000 }, settings, half);
    expect(paused).toEqual({ kind: 'retry', attempts: 1, delayMs: 3000 });
    const settling = decideAfterFailure(
      0,
      { retryable: true, pauseAllMs: 3000, notBeforeMs: 60_000 },
      settings,
      half,
    );
    expect(settling).toEqual({ kind: 'retry', attempts: 1, delayMs: 60_000 });
  });
});
