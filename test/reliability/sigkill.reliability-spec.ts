import { sleep } from '../support/wait-for';
import { describeResult, ReliabilityRig } from './support/reliability-rig';

/**
 * The gateway is killed with SIGKILL three times while vendors post webhooks and deliveries to a
 * slowed-down B2C are under way, and restarted each time on the same data directory.
 */
describe('reliability: SIGKILL during load', () => {
  let rig: ReliabilityRig;

  beforeAll(async () => {
    // Senders give up after three sends, so webhooks cut off by a kill stay unacknowledged: the
    // check then also covers "committed, but the reply was lost" (present once, never twice).
    rig = await ReliabilityRig.start({ load: { maxSends: 3 } });
  });
  afterAll(async () => {
    await rig?.dispose();
  });

  it('keeps every acknowledged webhook as exactly one incident across three kills', async () => {
    // Every B2C call takes a while, so each kill is likely to land with calls in flight.
    await rig.emulator.control.addFault({ latencyMs: 40 });
    rig.load.start();
    for (let kill = 1; kill <= 3; kill += 1) {
      await sleep(1_500);
      const exit = await rig.stopGateway('SIGKILL');
      expect(exit.signal).toBe('SIGKILL');
      await rig.startGateway();
    }
    await sleep(1_500);
    await rig.emulator.control.clearFaults();
    // Lookups for incidents whose create was sent by a killed process and never answered to it.
    const recoveryLookups = (await rig.emulator.control.requests()).filter(
      (request) => request.path === '/queryResults',
    ).length;

    const result = await rig.drainAndCheck();
    console.log(`${describeResult('SIGKILL x3', result)}; recovery lookups ${recoveryLookups}`);
    expect(result.report.violations).toEqual([]);
    // The kills did hit the senders (refused or cut-off sends), and most webhooks got through.
    const failedSends = Object.entries(result.load.outcomes)
      .filter(([outcome]) => outcome !== '200')
      .reduce((sum, [, count]) => sum + count, 0);
    expect(failedSends).toBeGreaterThan(0);
    expect(result.load.acked).toBeGreaterThan(100);
    expect(result.finalExit.code).toBe(0);
  });
});
