import { secretsCheck } from './checks/secrets-check';
import { workerCheck } from './checks/worker-check';
import { type CheckReport, readinessStatus } from './readiness-report';

const check = (state: CheckReport['state'], critical: boolean): CheckReport => ({
  state,
  critical,
  latencyMs: 0,
});

describe('readinessStatus', () => {
  it('is down when a critical check is down, degraded when anything else is not up', () => {
    expect(readinessStatus({ store: check('up', true), b2c: check('up', false) }, false)).toBe(
      'ok',
    );
    expect(readinessStatus({ store: check('down', true), b2c: check('up', false) }, false)).toBe(
      'down',
    );
    expect(readinessStatus({ store: check('up', true), b2c: check('down', false) }, false)).toBe(
      'degraded',
    );
    expect(readinessStatus({ secrets: check('degraded', true) }, false)).toBe('degraded');
  });

  it('is down while shutting down, whatever the checks say', () => {
    expect(readinessStatus({ store: check('up', true) }, true)).toBe('down');
  });
});

describe('secretsCheck', () => {
  const failing = {
    setting: 'b2c.password',
    reference: 'oci-vault:ocid1.vaultsecret.oc1..x',
    since: '2026-01-01T00:00:00.000Z',
    error: '404 NotAuthorizedOrNotFound',
  };

  it('is down without every value, degraded while a refresh fails, up otherwise', () => {
    expect(secretsCheck({ loaded: true, failing: [] }).state).toBe('up');
    expect(secretsCheck({ loaded: true, failing: [failing] })).toMatchObject({
      state: 'degraded',
      critical: true,
      failing: [failing],
    });
    expect(secretsCheck({ loaded: false, failing: [failing] }).state).toBe('down');
  });
});

describe('workerCheck', () => {
  const config = {
    worker: { enabled: true, pollIntervalMs: 1_000 },
    b2c: { timeoutMs: 10_000 },
  } as Parameters<typeof workerCheck>[1];

  it('is up while the loop turned within three polls and a B2C call, down after', () => {
    expect(workerCheck({ isRunning: true, lastTurnAt: 0 }, config, 13_000).state).toBe('up');
    expect(workerCheck({ isRunning: true, lastTurnAt: 0 }, config, 13_001)).toMatchObject({
      state: 'down',
      lastTurnAgoMs: 13_001,
    });
    expect(workerCheck({ isRunning: false, lastTurnAt: 0 }, config, 10).state).toBe('down');
  });

  it('counts a worker turned off by configuration as up', () => {
    const off = { ...config, worker: { ...config.worker, enabled: false } };
    expect(workerCheck({ isRunning: false, lastTurnAt: 0 }, off, 1e9)).toMatchObject({
      state: 'up',
      enabled: false,
    });
  });
});
