import { sleep } from '../support/wait-for';
import { describeResult, ReliabilityRig } from './support/reliability-rig';

const THROTTLE_MS = 4_000;

/**
 * B2C throttles: every call answers 503 with OSC-CREST-00035 and osvc-crest-next-request-after
 * (the remaining time) for a while. The gateway must pause as told rather than retry in a storm,
 * keep acknowledging vendors, and deliver everything once, nothing dead-lettered.
 */
describe('reliability: B2C throttling (503 OSC-CREST-00035)', () => {
  let rig: ReliabilityRig;

  beforeAll(async () => {
    rig = await ReliabilityRig.start();
  });
  afterAll(async () => {
    await rig?.dispose();
  });

  it('pauses as B2C asks and delivers every message exactly once afterwards', async () => {
    rig.load.start();
    await sleep(2_000);
    await rig.emulator.control.clearRequests();
    await rig.emulator.control.addFault({
      status: 503,
      errorCode: 'OSC-CREST-00035',
      forMs: THROTTLE_MS,
    });
    await sleep(THROTTLE_MS + 2_000);
    const throttled = (await rig.emulator.control.requests()).filter((r) => r.status === 503);

    const result = await rig.drainAndCheck();
    console.log(
      `${describeResult('B2C throttling', result)}; throttled answers ${throttled.length}`,
    );
    expect(result.report.violations).toEqual([]);
    expect(result.load.unacked).toBe(0);
    // The throttle was hit, and honoured: after the first refusals (one per delivery under way,
    // at most 4), the gateway waited for the time B2C named instead of asking again and again.
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.length).toBeLessThanOrEqual(8);
    expect(result.finalExit.code).toBe(0);
  });
});
