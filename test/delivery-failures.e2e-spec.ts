import { decodeReferenceId } from '../src/common/problem/reference-id';
import { lookUpReference } from '../src/common/problem/reference-lookup';
import { INBOX_STORE, type InboxStore } from '../src/inbox/inbox-store.port';
import {
  INCIDENT_REFUSED,
  nextSid,
  postSigned,
  settledAs,
  smsParams,
  startGatewayWithEmulator,
  type GatewayWithEmulator,
} from './support/gateway-fixture';
import { afterWorkerTurn } from './support/worker-turn';

/** B2C misbehaving in the ways Oracle documents, with the gateway retrying against the real emulator. */
describe('delivery when B2C throttles, fails or refuses', () => {
  let gw: GatewayWithEmulator;

  beforeAll(async () => {
    gw = await startGatewayWithEmulator({
      WORKER_MAX_ATTEMPTS: '8',
      B2C_TIMEOUT_MS: '1000',
      B2C_SETTLE_DELAY_MS: '2500',
    });
  });
  afterAll(async () => {
    await gw.stop();
  });
  beforeEach(async () => {
    await gw.control.reset();
  });

  const store = () => gw.app.get<InboxStore>(INBOX_STORE);
  const settled = (messageSid: string, state: 'delivered' | 'dead') =>
    settledAs(gw, messageSid, state);

  it('waits out 503 OSC-CREST-00035 throttling, honouring osvc-crest-next-request-after, then creates one incident', async () => {
    await gw.control.addFault({
      status: 503,
      errorCode: 'OSC-CREST-00035',
      headers: { 'osvc-crest-next-request-after': '300' },
      forMs: 1200,
    });
    const messageSid = nextSid();
    expect((await postSigned(gw.url, smsParams(messageSid))).status).toBe(200);
    const stored = await settled(messageSid, 'delivered');
    expect(stored.attempts).toBeGreaterThanOrEqual(2);

    const requests = await gw.control.requests();
    const throttled = requests.filter((r) => r.status === 503);
    expect(throttled.length).toBeGreaterThanOrEqual(2);
    // Each retry came no sooner than the pause B2C asked for.
    for (let i = 1; i < throttled.length; i += 1) {
      const gap = Date.parse(throttled[i].at) - Date.parse(throttled[i - 1].at);
      expect(gap).toBeGreaterThanOrEqual(290);
    }
    expect(await gw.control.incidents()).toHaveLength(1);
    expect(await gw.control.contacts()).toHaveLength(1);
  });

  it('retries through an outage of 5xx answers and creates exactly one incident', async () => {
    await gw.control.addFault({
      method: 'POST',
      pathPattern: '^/incidents$',
      status: 502,
      times: 3,
    });
    const messageSid = nextSid();
    expect((await postSigned(gw.url, smsParams(messageSid))).status).toBe(200);
    const stored = await settled(messageSid, 'delivered');
    expect(stored.attempts).toBe(3);
    expect(
      (await gw.control.requests()).filter((r) => r.path === '/contacts' && r.method === 'POST'),
    ).toHaveLength(1);
    expect(await gw.control.incidents()).toHaveLength(1);
  });

  it('recovers an incident B2C created while the gateway timed out, instead of creating a second one', async () => {
    // B2C takes longer than the gateway's 1 s timeout but creates the incident anyway.
    await gw.control.addFault({
      method: 'POST',
      pathPattern: '^/incidents$',
      latencyMs: 2000,
      times: 1,
    });
    const messageSid = nextSid();
    expect((await postSigned(gw.url, smsParams(messageSid))).status).toBe(200);
    const stored = await settled(messageSid, 'delivered');
    expect(stored.attempts).toBeGreaterThanOrEqual(1);
    const requests = await gw.control.requests();
    expect(requests.filter((r) => r.path === '/incidents' && r.method === 'POST')).toHaveLength(1);
    expect(requests.some((r) => r.path === '/queryResults')).toBe(true);
    const incidents = await gw.control.incidents();
    expect(incidents).toHaveLength(1);
    expect(stored.checkpoint.incidentId).toBe(incidents[0].id);
    // The timeout was logged with a reference id (reason 1) that finds its own log line.
    const timedOut = gw.logs
      .map((line) => /timed out \(reference ([0-9a-f.]+)\)/.exec(String(line.msg))?.[1])
      .find((id) => id !== undefined);
    expect(decodeReferenceId(timedOut!)).toMatchObject({
      reason: 1,
      reasonText: 'request or upstream (B2C) call timed out',
    });
    const found = lookUpReference(
      timedOut!,
      gw.logs.map((line) => JSON.stringify(line)),
    );
    expect(found?.lines).toHaveLength(1);
  });

  it('dead-letters a message B2C refuses with 400, keeping the error, without retrying', async () => {
    await gw.control.addFault(INCIDENT_REFUSED);
    const messageSid = nextSid();
    expect((await postSigned(gw.url, smsParams(messageSid))).status).toBe(200);
    const dead = await settled(messageSid, 'dead');
    expect(dead.attempts).toBe(1);
    expect(dead.lastError).toMatchObject({
      retryable: false,
      detail: { status: 400, errorCode: 'OSC-CREST-00003', detail: 'subject: field is not valid' },
    });
    // A retry would be claimed by the next whole worker turn: the message must still be dead,
    // with its one attempt, once that turn is over.
    await afterWorkerTurn(gw.app);
    expect(await store().get('twilio', messageSid)).toMatchObject({ state: 'dead', attempts: 1 });
    expect((await gw.control.requests()).filter((r) => r.path === '/incidents')).toHaveLength(1);
    expect(await gw.control.incidents()).toHaveLength(0);
    // Kept, not deleted.
    expect((await store().list('dead', 100)).map((m) => m.message.messageId)).toContain(messageSid);
  });

  it('dead-letters after the configured number of attempts when B2C keeps failing', async () => {
    await gw.control.addFault({ method: 'GET', pathPattern: '^/contacts$', status: 500 });
    const messageSid = nextSid();
    expect((await postSigned(gw.url, smsParams(messageSid))).status).toBe(200);
    const dead = await settled(messageSid, 'dead');
    expect(dead.attempts).toBe(8);
    expect(dead.lastError).toMatchObject({ retryable: true, detail: { status: 500 } });
    expect((await gw.control.requests()).filter((r) => r.path === '/contacts')).toHaveLength(8);
  });
});
