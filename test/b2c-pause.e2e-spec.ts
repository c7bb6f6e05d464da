import type { RecordedRequest } from '../src/emulators/b2c-service/emulator-control';
import {
  nextSid,
  postSigned,
  settledAs,
  smsParams,
  startGatewayWithEmulator,
  type GatewayWithEmulator,
} from './support/gateway-fixture';
import { sleep } from './support/wait-for';

const PAUSE_MS = 3_000;
/** Requests already on their way when the 503 was answered may still arrive within this. */
const IN_FLIGHT_MS = 100;
/** Each contact lookup takes this long, so that deliveries under way are at different steps. */
const LOOKUP_MS = 400;
const MESSAGES = 12;
const SPACING_MS = 100;

/**
 * Issue 17: B2C's throttling answer (503 OSC-CREST-00035, osvc-crest-next-request-after) must
 * stop every call to B2C at once, those of deliveries already under way included, not only the
 * deliveries that start afterwards.
 */
describe('B2C asks for a pause (503 OSC-CREST-00035)', () => {
  let gw: GatewayWithEmulator;

  beforeAll(async () => {
    gw = await startGatewayWithEmulator({
      WORKER_CONCURRENCY: '4',
      WORKER_MAX_ATTEMPTS: '8',
      // The throttled create's next attempt looks for it first, after this settle delay.
      B2C_SETTLE_DELAY_MS: '500',
    });
  });
  afterAll(async () => {
    await gw.stop();
  });

  it('sends nothing to B2C until the pause ends, then delivers every message exactly once', async () => {
    await gw.control.reset();
    await gw.control.addFault({ method: 'GET', pathPattern: '^/contacts$', latencyMs: LOOKUP_MS });
    await gw.control.addFault({
      method: 'POST',
      pathPattern: '^/incidents$',
      status: 503,
      errorCode: 'OSC-CREST-00035',
      headers: { 'osvc-crest-next-request-after': String(PAUSE_MS) },
      times: 1,
    });

    // Messages from new senders (three calls each), arriving 100 ms apart: when the first
    // incident create is throttled, the next deliveries are under way, each in its lookup, and
    // the rest wait in the inbox.
    const sids: string[] = [];
    for (let i = 0; i < MESSAGES; i += 1) {
      const sid = nextSid();
      sids.push(sid);
      const params = smsParams(sid, { From: `+1415555${String(3000 + i)}` });
      expect((await postSigned(gw.url, params)).status).toBe(200);
      await sleep(SPACING_MS);
    }
    const stored = await Promise.all(sids.map((sid) => settledAs(gw, sid, 'delivered')));

    const requests = await gw.control.requests();
    const throttled = requests.filter((r) => r.status === 503);
    expect(throttled).toHaveLength(1);
    const throttledAt = Date.parse(throttled[0].at);
    const duringPause = requests.filter((r) => {
      const at = Date.parse(r.at);
      // Both clocks are this process's; ISO times are whole milliseconds.
      return at > throttledAt + IN_FLIGHT_MS && at < throttledAt + PAUSE_MS - 2;
    });
    expect(duringPause.map(describe503Window(throttledAt))).toEqual([]);
    // The pause did hold back calls of deliveries under way (the test would prove nothing if
    // nothing was left to send when the 503 came).
    const after = requests.filter((r) => Date.parse(r.at) >= throttledAt + PAUSE_MS - 2);
    expect(
      after.filter((r) => r.method === 'POST' && r.path === '/contacts').length,
    ).toBeGreaterThan(0);

    // Exactly once: one contact and one incident per message, each message with its own.
    const incidents = await gw.control.incidents();
    expect(incidents).toHaveLength(MESSAGES);
    expect(await gw.control.contacts()).toHaveLength(MESSAGES);
    const incidentIds = stored.map((message) => message.checkpoint.incidentId);
    expect(new Set(incidentIds).size).toBe(MESSAGES);
    expect(incidentIds.sort()).toEqual(incidents.map((incident) => incident.id).sort());
    const created = requests.filter((r) => r.method === 'POST' && r.path === '/incidents');
    expect(created.map((r) => r.status).sort()).toEqual([
      ...Array.from({ length: MESSAGES }, () => 201),
      503,
    ]);
  });
});

/** A request as `<ms after the 503> METHOD /path`, so a failure shows what went out when. */
function describe503Window(throttledAt: number) {
  return (request: RecordedRequest) =>
    `+${Date.parse(request.at) - throttledAt} ms ${request.method} ${request.path}`;
}
