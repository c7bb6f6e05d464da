import { sleep } from '../support/wait-for';
import { describeResult, ReliabilityRig } from './support/reliability-rig';
import { connectionRefused, startSlowWebhook } from './support/slow-webhook';

/** From SIGTERM to the process's end, with B2C creates taking 1.5 s each. */
const SHUTDOWN_BOUND_MS = 10_000;
const CREATE_LATENCY_MS = 1_500;

/**
 * SIGTERM while vendors post and incident creates are under way at a slow B2C: the gateway stops
 * listening at once, answers the request it is reading, lets the creates under way finish (or
 * releases attempts at their next checkpoint), closes the inbox and exits 0; restarted on the
 * same data, it finishes the rest.
 */
describe('reliability: SIGTERM under load', () => {
  let rig: ReliabilityRig;

  beforeAll(async () => {
    rig = await ReliabilityRig.start({ env: { LOG_LEVEL: 'info' } });
  });
  afterAll(async () => {
    await rig?.dispose();
  });

  it('stops gracefully: no new connections, in-flight replies, exit 0, nothing lost', async () => {
    await rig.emulator.control.addFault({
      method: 'POST',
      pathPattern: '^/incidents$',
      latencyMs: CREATE_LATENCY_MS,
    });
    rig.load.start();
    await sleep(2_500);

    const port = Number(new URL(rig.gatewayUrl).port);
    const slowSid = rig.load.nextSid();
    const slow = await startSlowWebhook(port, slowSid, '+14155552699');
    const gateway = rig.gateway!;
    const stopped = rig.stopGateway('SIGTERM');

    // A new connection is refused while the gateway is still finishing its work.
    let refusedWhileAlive = false;
    while (gateway.child.exitCode === null && gateway.child.signalCode === null) {
      if (await connectionRefused(port)) {
        refusedWhileAlive = gateway.child.exitCode === null && gateway.child.signalCode === null;
        break;
      }
      await sleep(25);
    }
    // The request that was being read when the signal came is answered, after its commit.
    await sleep(300);
    const slowStatus = await slow.finish().catch((error: Error) => error.message);
    rig.load.record({
      messageSid: slowSid,
      from: '+14155552699',
      outcomes: [String(slowStatus)],
      acked: slowStatus === 200,
    });
    const exit = await stopped;
    const output = rig.output();

    await rig.emulator.control.clearFaults();
    await rig.startGateway();
    await sleep(1_500);
    const result = await rig.drainAndCheck();
    console.log(
      `${describeResult('SIGTERM', result)}; under-load SIGTERM exit ${exit.code ?? exit.signal} ` +
        `after ${exit.ms} ms, slow request ${slowStatus}, refused while alive ${refusedWhileAlive}`,
    );

    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(SHUTDOWN_BOUND_MS);
    expect(refusedWhileAlive).toBe(true);
    expect(slowStatus).toBe(200);
    expect(output).toMatch(/SIGTERM: stopping/);
    expect(output).toMatch(/stopped in \d+ ms/);
    expect(result.report.violations).toEqual([]);
    expect(result.finalExit.code).toBe(0);
  });
});
