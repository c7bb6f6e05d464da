import { sleep } from '../support/wait-for';
import { describeResult, ReliabilityRig } from './support/reliability-rig';

const OUTAGE_MS = 5_000;

/**
 * B2C unreachable for a while (the emulator stopped, its port closed) while vendors keep posting:
 * intake must not notice, and deliveries resume once B2C is back, each message exactly once.
 */
describe('reliability: B2C down, then up again', () => {
  let rig: ReliabilityRig;

  beforeAll(async () => {
    rig = await ReliabilityRig.start();
  });
  afterAll(async () => {
    await rig?.dispose();
  });

  it('acknowledges throughout and delivers everything once B2C is back', async () => {
    // B2C calls take a while, so the stop cuts some of them off half-way.
    await rig.emulator.control.addFault({ latencyMs: 30 });
    rig.load.start();
    await sleep(2_000);
    const downAt = Date.now();
    await rig.emulator.stop();
    await sleep(OUTAGE_MS);
    await rig.emulator.start();
    const upAt = Date.now();
    await sleep(2_000);

    const result = await rig.drainAndCheck();
    console.log(describeResult('B2C outage', result));
    expect(result.report.violations).toEqual([]);
    // B2C being down never slowed or failed intake: every send during the outage got its 200.
    const duringOutage = rig.load.sendLog.filter((send) => send.at >= downAt && send.at <= upAt);
    expect(duringOutage.length).toBeGreaterThan(50);
    expect(duringOutage.filter((send) => send.outcome !== '200')).toEqual([]);
    expect(result.load.unacked).toBe(0);
    expect(result.finalExit.code).toBe(0);
  });
});
