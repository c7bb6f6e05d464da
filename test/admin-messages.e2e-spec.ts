import {
  INCIDENT_REFUSED,
  nextSid,
  postSigned,
  settledAs,
  smsParams,
  startGatewayWithEmulator,
  type GatewayWithEmulator,
} from './support/gateway-fixture';

const ADMIN_TOKEN = 'message-log-admin-token-5c1e07';
const PROBLEM = 'urn:b2c-webhook-gateway:problem:';

interface Answer {
  status: number;
  type: string | null;
  body: Record<string, unknown>;
}

interface Summary {
  id: number;
  vendor: string;
  messageId: string;
  kind: string;
  state: string;
  sender: string;
  received: string;
  updated: string;
  attempts: number;
  duplicates: number;
  incidentId: number | null;
}

interface Page {
  items: Summary[];
  next: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The message log: a real gateway (SQLite, or PostgreSQL with TEST_STORAGE_DRIVER=postgres), a
 * real B2C emulator, real signed Twilio webhooks.
 */
describe('admin message log', () => {
  let gw: GatewayWithEmulator;
  /** Delivered, then sent twice more by the vendor. */
  const delivered = nextSid();
  /** Dead: B2C refused its incident. */
  const dead = nextSid();
  const deadSender = '+14155550123';
  let between: string;

  beforeAll(async () => {
    gw = await startGatewayWithEmulator({
      ADMIN_MODE: 'token',
      ADMIN_TOKEN,
      // A replayed refused create first waits this long and looks for what it may have made.
      B2C_SETTLE_DELAY_MS: '500',
    });
    expect((await postSigned(gw.url, smsParams(delivered))).status).toBe(200);
    await settledAs(gw, delivered, 'delivered');
    for (let resend = 0; resend < 2; resend += 1) {
      expect((await postSigned(gw.url, smsParams(delivered))).status).toBe(200);
    }
    await sleep(5);
    between = new Date().toISOString();
    await sleep(5);
    await gw.control.addFault(INCIDENT_REFUSED);
    expect((await postSigned(gw.url, smsParams(dead, { From: deadSender }))).status).toBe(200);
    await settledAs(gw, dead, 'dead');
  });
  afterAll(async () => {
    await gw?.stop();
  });

  async function call(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: string; type?: string; authorization?: string | null } = {},
  ): Promise<Answer> {
    const authorization =
      options.authorization === undefined ? `Bearer ${ADMIN_TOKEN}` : options.authorization;
    const headers: Record<string, string> = authorization ? { authorization } : {};
    if (options.body !== undefined) headers['content-type'] = options.type ?? 'application/json';
    const response = await fetch(`${gw.url}/admin/messages${path}`, {
      method,
      headers,
      body: options.body,
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: (await response.json()) as Record<string, unknown>,
    };
  }
  const search = async (query: string): Promise<Page> => {
    const answer = await call('GET', query);
    expect(answer.status).toBe(200);
    return answer.body as unknown as Page;
  };
  const found = async (query: string) => (await search(query)).items.map((item) => item.messageId);
  const replay = (body: unknown) => call('POST', '/replay', { body: JSON.stringify(body) });

  it('lists every message newest first, with its state, incident and re-sends', async () => {
    const page = await search('');
    expect(page.next).toBeNull();
    expect(page.items.map((item) => item.messageId)).toEqual([dead, delivered]);
    const [deadItem, deliveredItem] = page.items;
    expect(deliveredItem).toEqual({
      id: expect.any(Number),
      vendor: 'twilio',
      messageId: delivered,
      kind: 'sms',
      state: 'delivered',
      sender: '+14155552671',
      received: expect.any(String),
      updated: expect.any(String),
      attempts: 0,
      duplicates: 2,
      incidentId: expect.any(Number),
    });
    expect(deadItem).toMatchObject({
      state: 'dead',
      sender: deadSender,
      attempts: 1,
      duplicates: 0,
      incidentId: null,
    });
    expect(Date.parse(deliveredItem.received)).toBeLessThan(Date.parse(between));
  });

  it('searches by each filter', async () => {
    const [deadItem, deliveredItem] = (await search('')).items;
    const incidentId = String(deliveredItem.incidentId);
    for (const [query, expected] of [
      ['?vendor=twilio', [dead, delivered]],
      ['?vendor=telnyx', []],
      ['?state=delivered', [delivered]],
      ['?state=dead', [dead]],
      ['?state=pending', []],
      ['?state=delivering', []],
      ['?state=skipped', []],
      [`?since=${between}`, [dead]],
      [`?until=${between}`, [delivered]],
      [`?since=${deliveredItem.received}&until=${between}`, [delivered]],
      // The sender as a person types it: spaces, brackets, dashes, an international prefix.
      [`?sender=${encodeURIComponent('+1 (415) 555-0123')}`, [dead]],
      [`?sender=${encodeURIComponent('00 1 415 555 2671')}`, [delivered]],
      ['?sender=%2B14155559999', []],
      [`?messageId=${delivered}`, [delivered]],
      [`?messageId=${dead}&vendor=twilio&state=dead`, [dead]],
      [`?messageId=${dead}&state=delivered`, []],
      [`?incidentId=${incidentId}`, [delivered]],
      [`?incidentId=${Number(incidentId) + 1000}`, []],
    ] as const) {
      expect({ query, found: await found(query) }).toEqual({ query, found: expected });
    }
    expect(deadItem.id).toBeGreaterThan(deliveredItem.id);
  });

  it('pages with an opaque cursor that new messages do not move', async () => {
    const first = await search('?limit=1');
    expect(first.items.map((item) => item.messageId)).toEqual([dead]);
    expect(first.next).toEqual(expect.any(String));
    // A message arriving between two pages lands before the first, not in the next.
    const newer = nextSid();
    expect((await postSigned(gw.url, smsParams(newer, { From: '+14155550177' }))).status).toBe(200);
    const second = await search(`?limit=1&cursor=${first.next}`);
    expect(second.items.map((item) => item.messageId)).toEqual([delivered]);
    expect(second.next).toBeNull();
    expect(await found('?limit=1')).toEqual([newer]);
    await settledAs(gw, newer, 'dead');
  });

  it('tells one message’s story, and 404 for an id it does not hold', async () => {
    const [item] = (await search(`?messageId=${delivered}`)).items;
    const answer = await call('GET', `/${item.id}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      ...item,
      contactId: expect.any(Number),
      nextAttempt: null,
      leaseExpires: null,
      lastError: null,
      checkpoint: expect.objectContaining({ incidentId: item.incidentId }),
      normalized: {
        vendor: 'twilio',
        messageId: delivered,
        kind: 'sms',
        from: '+14155552671',
        to: '+14155550100',
        text: 'My order has not arrived',
        media: [],
        receivedAt: expect.any(String),
      },
      raw: expect.objectContaining({ MessageSid: delivered, Body: 'My order has not arrived' }),
      // One attempt, delivered (test/attempt-history.e2e-spec.ts looks at it closely).
      history: [expect.objectContaining({ kind: 'attempt', attempt: 1, outcome: 'delivered' })],
    });
    const incidents = await gw.control.incidents();
    expect(incidents.map((incident) => incident.id)).toContain(item.incidentId);

    const [deadItem] = (await search(`?messageId=${dead}`)).items;
    expect((await call('GET', `/${deadItem.id}`)).body).toMatchObject({
      state: 'dead',
      incidentId: null,
      lastError: { retryable: false, detail: { status: 400, errorCode: 'OSC-CREST-00003' } },
    });

    const missing = await call('GET', '/987654321');
    expect(missing).toMatchObject({
      status: 404,
      type: 'application/problem+json; charset=utf-8',
      body: { type: `${PROBLEM}not-found`, detail: 'no message 987654321' },
    });
    for (const id of ['abc', '0', '99999999999999999999']) {
      const answer = await call('GET', `/${id}`);
      expect({ id, status: answer.status, params: answer.body.invalidParams }).toEqual({
        id,
        status: 400,
        params: [{ name: 'id', reason: expect.any(String) }],
      });
    }
  });

  it('answers 400 problem+json naming the parameter for every bad one', async () => {
    for (const [query, name, detail] of [
      ['?limit=0', 'limit', /limit must not be less than 1/],
      ['?limit=201', 'limit', /limit must not be greater than 200/],
      ['?limit=ten', 'limit', /limit must be an integer/],
      ['?state=lost', 'state', /state must be one of the following values/],
      ['?vendor=Twilio%27', 'vendor', /vendor must be a vendor name/],
      ['?since=yesterday', 'since', /since must be an ISO 8601 time/],
      ['?until=2026-13-01', 'until', /until must be an ISO 8601 time/],
      [
        '?since=2026-12-06T10:00:00Z&until=2026-12-06T09:00:00Z',
        'until',
        /until must be later than since/,
      ],
      ['?sender=%2B1%20555', 'sender', /sender must be a phone number/],
      ["?sender=x'%20OR%201=1", 'sender', /sender must be a phone number/],
      ['?incidentId=-1', 'incidentId', /incidentId must not be less than 1/],
      ['?incidentId=1e400', 'incidentId', /incidentId must be an integer/],
      [`?messageId=${'m'.repeat(257)}`, 'messageId', /messageId must be shorter/],
      ['?cursor=bm90IGEgY3Vyc29y', 'cursor', /cursor is not a cursor of this log/],
      ['?page=2', 'page', /property page should not exist/],
    ] as const) {
      const answer = await call('GET', query);
      expect({ query, status: answer.status, type: answer.body.type }).toEqual({
        query,
        status: 400,
        type: `${PROBLEM}bad-request`,
      });
      expect(answer.type).toBe('application/problem+json; charset=utf-8');
      expect(answer.body.detail).toMatch(detail);
      expect(answer.body.invalidParams).toEqual(
        expect.arrayContaining([{ name, reason: expect.stringMatching(detail) }]),
      );
    }
  });

  it('replays dead messages by filter and by ids, idempotently, and logs who asked', async () => {
    // Refused: a state other than dead, ids with filters, a body that is no JSON object.
    for (const [body, name] of [
      [{ state: 'delivered' }, 'state'],
      [{ ids: [1], vendor: 'twilio' }, 'ids'],
      [{ ids: [] }, 'ids'],
      [{ ids: ['1'] }, 'ids'],
      [{ sender: 'not a number!' }, 'sender'],
      [{ everything: true }, 'everything'],
    ] as const) {
      const answer = await replay(body);
      expect({ body, status: answer.status, params: answer.body.invalidParams }).toEqual({
        body,
        status: 400,
        params: expect.arrayContaining([{ name, reason: expect.any(String) }]),
      });
    }
    expect((await call('POST', '/replay', { body: '[1]' })).status).toBe(400);
    expect((await call('POST', '/replay', { body: '{' })).status).toBe(400);
    expect((await call('POST', '/replay', { body: 'ids=1', type: 'text/plain' })).status).toBe(415);

    // A filter that matches only delivered messages requeues nothing.
    expect(await replay({ messageId: delivered })).toMatchObject({
      status: 202,
      body: { replayed: 0 },
    });
    await gw.control.clearFaults();
    expect(await replay({ sender: '+1 415-555-0123', state: 'dead' })).toMatchObject({
      status: 202,
      body: { replayed: 1 },
    });
    await settledAs(gw, dead, 'delivered');
    expect(await replay({ sender: '+1 415-555-0123' })).toMatchObject({
      status: 202,
      body: { replayed: 0 },
    });

    // By ids: only the dead one among them, once.
    const [newer] = (await search('?state=dead')).items;
    const [deliveredItem] = (await search(`?messageId=${delivered}`)).items;
    expect(await replay({ ids: [newer.id, deliveredItem.id, 987_654_321] })).toMatchObject({
      status: 202,
      body: { replayed: 1 },
    });
    expect(await replay({ ids: [newer.id] })).toMatchObject({ body: { replayed: 0 } });
    await settledAs(gw, newer.messageId, 'delivered');
    expect(await found('?state=dead')).toEqual([]);
    // Each message made one incident: the delivered one was never sent again.
    expect(await gw.control.incidents()).toHaveLength(3);

    const audit = gw.logs.map((line) => String(line.msg)).filter((msg) => msg.includes('replayed'));
    expect(audit).toEqual([
      `admin replayed dead messages matching messageId="${delivered}": 0 requeued`,
      'admin replayed dead messages matching state="dead" sender=(given): 1 requeued',
      'admin replayed dead messages matching sender=(given): 0 requeued',
      `admin replayed messages ${newer.id}, ${deliveredItem.id}, 987654321: 1 requeued`,
      `admin replayed messages ${newer.id}: 0 requeued`,
    ]);
  });

  it('is for admins only', async () => {
    for (const [method, path] of [
      ['GET', ''],
      ['GET', '/1'],
      ['POST', '/replay'],
    ] as const) {
      for (const authorization of [null, 'Bearer not-the-admin-token']) {
        const answer = await call(method, path, {
          authorization,
          ...(method === 'POST' ? { body: '{}' } : {}),
        });
        expect({ path, status: answer.status, type: answer.body.type }).toEqual({
          path,
          status: 401,
          type: `${PROBLEM}admin-unauthorized`,
        });
      }
    }
  });
});
