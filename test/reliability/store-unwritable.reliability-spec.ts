import { signedTwilioRequest, TWILIO_TEST_AUTH_TOKEN } from '../../src/vendors/twilio/fixtures';
import { TEST_PUBLIC_BASE_URL } from '../support/gateway-env';
import { smsParams, WEBHOOK_PATH } from '../support/gateway-fixture';
import { sleep, waitFor } from '../support/wait-for';
import { describeResult, ReliabilityRig } from './support/reliability-rig';
import { prepareStoreFault, type StoreFault } from './support/store-fault';

const UNWRITABLE_MS = 4_000;
const SENDER = '+14155552698';
/** RELIABILITY_STORE_FAULT=file-size-limit tries the mechanism CI falls back to. */
const requestedKind = process.env.RELIABILITY_STORE_FAULT as StoreFault['kind'] | undefined;

/**
 * The inbox cannot commit (its filesystem is full) while vendors keep posting. Vendors must get
 * 503 with Retry-After, never a 200 for a message that was not committed; readiness must say
 * so; and once space is back the same process must accept and deliver again, without a restart.
 */
describe('reliability: the store cannot commit', () => {
  let fault: StoreFault;
  let rig: ReliabilityRig;

  beforeAll(async () => {
    fault = prepareStoreFault(requestedKind);
    rig = await ReliabilityRig.start({ dataDir: fault.dataDir });
  });
  afterAll(async () => {
    await rig?.dispose();
    fault?.dispose();
  });

  const ready = async () => (await fetch(`${rig.gatewayUrl}/health/ready`)).status;

  it('answers 503 while it cannot commit, and recovers without a restart', async () => {
    const gateway = rig.gateway!;
    const pid = gateway.child.pid!;
    rig.load.start();
    await sleep(2_000);
    expect(await ready()).toBe(200);

    fault.makeUnwritable(pid);
    const brokenAt = Date.now();
    // Commits fail as soon as SQLite needs a new block (the WAL may still have room for a few).
    await waitFor(
      'intake to refuse with 503',
      () =>
        rig.load.sendLog.some((s) => s.at >= brokenAt && s.outcome === '503') ? true : undefined,
      10_000,
      50,
    );
    const refusingAt = Date.now();
    await waitFor(
      'readiness to fail',
      async () => ((await ready()) === 503 ? true : undefined),
      10_000,
      100,
    );
    // From here on the store is known to refuse: count what the worker asks B2C meanwhile.
    await rig.emulator.control.clearRequests();
    // A vendor is told to come back: problem+json, store-unavailable, Retry-After.
    const refusedSid = rig.load.nextSid();
    const refused = await postOne(rig.gatewayUrl, refusedSid);
    rig.load.record({ messageSid: refusedSid, from: SENDER, outcomes: ['503'], acked: false });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBeTruthy();
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await refused.json()) as { type: string }).type).toMatch(/store-unavailable$/);
    await sleep(UNWRITABLE_MS);
    const sendsWhileBroken = rig.load.sendLog.filter((s) => s.at >= refusingAt);

    const b2cCallsWhileBroken = (await rig.emulator.control.requests()).length;
    fault.makeWritable(pid);
    const fixedAt = Date.now();
    await waitFor(
      'readiness to recover',
      async () => ((await ready()) === 200 ? true : undefined),
      15_000,
      100,
    );
    const readyAfterMs = Date.now() - fixedAt;
    await waitFor(
      'intake to accept again',
      () =>
        rig.load.sendLog.some((s) => s.at > fixedAt && s.outcome === '200') ? true : undefined,
      10_000,
      50,
    );
    await sleep(2_000);
    const sameProcess = rig.gateway === gateway && gateway.child.exitCode === null;

    const result = await rig.drainAndCheck();
    console.log(
      `${describeResult(`store unwritable (${fault.kind})`, result)}; ` +
        `sends while broken ${sendsWhileBroken.length} (` +
        `${sendsWhileBroken.filter((s) => s.outcome === '503').length} x 503); ` +
        `B2C calls while broken ${b2cCallsWhileBroken}; ready again ${readyAfterMs} ms after the fix`,
    );
    expect(sameProcess).toBe(true);
    // While the store was broken the gateway refused, and only in the way vendors retry.
    expect(sendsWhileBroken.filter((s) => s.outcome === '503').length).toBeGreaterThan(20);
    expect([...new Set(rig.load.sendLog.map((s) => s.outcome))].sort()).toEqual(['200', '503']);
    // The worker could not save what it learned from B2C: it paused instead of calling on.
    expect(b2cCallsWhileBroken).toBeLessThan(250);
    expect(result.report.violations).toEqual([]);
    expect(result.finalExit.code).toBe(0);
  });
});

function postOne(gatewayUrl: string, messageSid: string): Promise<Response> {
  const signed = signedTwilioRequest({
    authToken: TWILIO_TEST_AUTH_TOKEN,
    url: TEST_PUBLIC_BASE_URL + WEBHOOK_PATH,
    params: smsParams(messageSid, { From: SENDER }),
  });
  return fetch(gatewayUrl + WEBHOOK_PATH, {
    method: 'POST',
    headers: signed.headers,
    body: signed.body,
  });
}
