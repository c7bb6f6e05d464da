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

const ADMIN_TOKEN = 'dead-letters-admin-token-93be1d';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

interface Page {
  items: { id: number; messageId: string; attempts: number; lastError: unknown }[];
  next: number | null;
  total: number;
}

/** Listing and replaying dead letters: a real gateway, a real B2C emulator, a real SQLite inbox. */
describe('admin dead letters', () => {
  let gw: GatewayWithEmulator;

  beforeAll(async () => {
    // A refused create keeps its attempt time, so a replay first waits out the settle delay and
    // looks for an incident that create may have made; a short delay keeps the test quick.
    gw = await startGatewayWithEmulator({
      ADMIN_MODE: 'token',
      ADMIN_TOKEN,
      B2C_SETTLE_DELAY_MS: '1000',
    });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  async function call(
    method: 'GET' | 'POST',
    path: string,
    authorization: string | null = `Bearer ${ADMIN_TOKEN}`,
  ): Promise<Answer> {
    const response = await fetch(`${gw.url}/admin/dead-letters${path}`, {
      method,
      headers: authorization === null ? {} : { authorization },
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  }
  const page = async (query = '') => (await call('GET', query)).body as unknown as Page;
  const settled = (messageSid: string, state: 'delivered' | 'dead') =>
    settledAs(gw, messageSid, state);

  it('lists what B2C refused, page by page, and replays it once the cause is gone', async () => {
    // B2C refuses the incident for good: the contact exists, the message is dead-lettered.
    await gw.control.addFault(INCIDENT_REFUSED);
    const [first, second] = [nextSid(), nextSid()];
    for (const sid of [first, second]) {
      expect((await postSigned(gw.url, smsParams(sid))).status).toBe(200);
      await settled(sid, 'dead');
    }

    const all = await page();
    expect(all.total).toBe(2);
    expect(all.next).toBeNull();
    expect(all.items.map((item) => item.messageId)).toEqual([first, second]);
    expect(all.items[0]).toMatchObject({
      vendor: 'twilio',
      attempts: 1,
      lastError: { retryable: false, detail: { status: 400, errorCode: 'OSC-CREST-00003' } },
      checkpoint: { contactId: expect.any(Number) },
      message: { messageId: first, from: '+14155552671', text: 'My order has not arrived' },
      storedAt: expect.any(String),
      diedAt: expect.any(String),
    });
    const one = await page('?limit=1');
    expect(one).toMatchObject({ total: 2, next: all.items[0].id });
    expect(one.items.map((item) => item.messageId)).toEqual([first]);
    const rest = await page(`?limit=1&after=${one.next}`);
    expect(rest).toMatchObject({ total: 2, next: null });
    expect(rest.items.map((item) => item.messageId)).toEqual([second]);

    // The cause is fixed; one dead letter is replayed, then the rest.
    await gw.control.clearFaults();
    expect(await call('POST', `/${all.items[0].id}/replay`)).toEqual({
      status: 202,
      body: { replayed: 1 },
    });
    await settled(first, 'delivered');
    expect((await page()).items.map((item) => item.messageId)).toEqual([second]);
    expect(await call('POST', '/replay?vendor=twilio')).toEqual({
      status: 202,
      body: { replayed: 1 },
    });
    await settled(second, 'delivered');
    expect(await page()).toEqual({ items: [], next: null, total: 0 });
    expect(await call('POST', '/replay')).toEqual({ status: 202, body: { replayed: 0 } });

    // One incident each, and the contact made before the refusal was reused, not made again.
    expect(await gw.control.incidents()).toHaveLength(2);
    expect(await gw.control.contacts()).toHaveLength(1);
    // Each replay looked for an incident its refused create might have made before creating.
    const lookups = (await gw.control.requests()).filter(
      (request) =>
        request.path === '/queryResults' && /from incidents/.test(String(request.query.query)),
    );
    expect(lookups).toHaveLength(2);
    // Every replay is logged with the admin who asked for it.
    const audit = gw.logs.map((line) => String(line.msg)).filter((msg) => msg.includes('replayed'));
    expect(audit).toEqual([
      `admin replayed dead letter ${all.items[0].id}: 1 requeued`,
      'admin replayed dead letters of twilio: 1 requeued',
      'admin replayed dead letters of all vendors: 0 requeued',
    ]);
  });

  it('answers 404 for what is no dead letter, and 400 for a malformed id or query', async () => {
    const delivered = nextSid();
    expect((await postSigned(gw.url, smsParams(delivered))).status).toBe(200);
    const stored = await settled(delivered, 'delivered');
    for (const id of [stored.seq, 987_654_321]) {
      const answer = await call('POST', `/${id}/replay`);
      expect(answer).toMatchObject({
        status: 404,
        body: { type: 'urn:b2c-webhook-gateway:problem:not-found', detail: `no dead letter ${id}` },
      });
    }
    expect((await gw.app.get<InboxStore>(INBOX_STORE).get('twilio', delivered))?.state).toBe(
      'delivered',
    );
    for (const [method, path, detail] of [
      ['POST', '/abc/replay', /whole number/],
      ['GET', '?limit=0', /limit must not be less than 1/],
      ['GET', '?limit=501', /limit must not be greater than 500/],
      ['GET', '?limit=ten', /limit must be an integer/],
      ['GET', '?after=-1', /after must not be less than 0/],
      ['GET', '?state=pending', /property state should not exist/],
      ['POST', '/replay?vendor=Twilio%27', /vendor must be a vendor name/],
      ['POST', '/replay?vendor=twilio--sms', /vendor must be a vendor name/],
      ['POST', `/replay?vendor=${'a'.repeat(41)}`, /vendor must be shorter than or equal to 40/],
    ] as const) {
      const answer = await call(method, path);
      expect({ path, status: answer.status, type: answer.body.type }).toEqual({
        path,
        status: 400,
        type: 'urn:b2c-webhook-gateway:problem:bad-request',
      });
      expect(answer.body.detail).toMatch(detail);
    }
  });

  it('is for admins only', async () => {
    for (const [method, path] of [
      ['GET', ''],
      ['POST', '/replay'],
      ['POST', '/1/replay'],
    ] as const) {
      for (const authorization of [null, 'Bearer not-the-admin-token']) {
        const answer = await call(method, path, authorization);
        expect({ path, status: answer.status, type: answer.body.type }).toEqual({
          path,
          status: 401,
          type: 'urn:b2c-webhook-gateway:problem:admin-unauthorized',
        });
      }
    }
  });
});
