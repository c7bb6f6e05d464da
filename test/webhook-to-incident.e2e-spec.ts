import { INBOX_STORE, type InboxStore } from '../src/inbox/inbox-store.port';
import { TEST_PUBLIC_BASE_URL } from './support/gateway-env';
import {
  nextSid,
  postSigned,
  smsParams,
  startGatewayWithEmulator,
  WEBHOOK_PATH,
  type GatewayWithEmulator,
} from './support/gateway-fixture';
import { waitFor } from './support/wait-for';
import { afterWorkerTurn } from './support/worker-turn';

const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

describe('signed Twilio webhook → B2C incident (real HTTP, real emulator)', () => {
  let gw: GatewayWithEmulator;

  beforeAll(async () => {
    gw = await startGatewayWithEmulator();
  });
  afterAll(async () => {
    await gw.stop();
  });
  beforeEach(async () => {
    await gw.control.reset();
  });

  const store = () => gw.app.get<InboxStore>(INBOX_STORE);
  const incidentsWithMarker = async (messageSid: string) => {
    const found = [];
    for (const incident of await gw.control.incidents()) {
      const threads = await gw.control.threads(incident.id);
      if (threads.some((t) => t.text.startsWith(`gateway-message: twilio/${messageSid}\n`)))
        found.push(incident);
    }
    return found;
  };
  const delivered = (messageSid: string) =>
    waitFor(`delivery of ${messageSid}`, async () => {
      const stored = await store().get('twilio', messageSid);
      return stored?.state === 'delivered' ? stored : undefined;
    });

  it('answers 200 text/xml <Response/> and creates contact, incident and note with exactly the expected requests', async () => {
    const messageSid = nextSid();
    const response = await postSigned(
      gw.url,
      smsParams(messageSid, { Body: "It's broken, O'Brien said" }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await response.text()).toBe(TWIML);

    const stored = await delivered(messageSid);
    const requests = await gw.control.requests();
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /contacts',
      'POST /contacts',
      'POST /incidents',
    ]);
    for (const request of requests) {
      expect(request.version).toBe('v1.4');
      expect(request.headers['osvc-crest-application-context']).toBe('b2c-webhook-gateway');
      expect(request.headers.authorization).toBe('Basic');
      expect(request.status).toBe(request.method === 'GET' ? 200 : 201);
    }
    expect(requests[0].query).toEqual({ q: "phones.number = '+14155552671'" });
    expect(requests[1].body).toEqual({
      name: { first: 'SMS', last: '+14155552671' },
      phones: [{ number: '+14155552671', phoneType: { lookupName: 'Mobile Phone' } }],
    });
    const incidentBody = requests[2].body as {
      subject: string;
      primaryContact: { id: number };
      threads: { text: string; entryType: unknown; contentType: unknown }[];
    };
    expect(incidentBody.subject).toBe("It's broken, O'Brien said");
    expect(incidentBody.threads).toHaveLength(1);
    expect(incidentBody.threads[0].entryType).toEqual({ lookupName: 'Note' });
    expect(incidentBody.threads[0].contentType).toEqual({ lookupName: 'text/plain' });

    const [contact] = await gw.control.contacts();
    expect(contact.phones).toEqual([
      { number: '+14155552671', phoneType: { id: 1, lookupName: 'Mobile Phone' } },
    ]);
    const [incident] = await gw.control.incidents();
    expect(incident.primaryContactId).toBe(contact.id);
    expect(incident.subject).toBe("It's broken, O'Brien said");
    expect(stored.checkpoint).toMatchObject({ contactId: contact.id, incidentId: incident.id });
    const [note] = await gw.control.threads(incident.id);
    expect(note.entryType.lookupName).toBe('Note');
    expect(note.text.split('\n')[0]).toBe(`gateway-message: twilio/${messageSid}`);
    expect(note.text).toContain(`"MessageSid": "${messageSid}"`);
  });

  it('stores each status callback once and opens no incident for it', async () => {
    const messageSid = nextSid();
    const status = (value: string) =>
      smsParams(messageSid, { MessageStatus: value, SmsStatus: value, From: 'ACME', Body: '' });
    for (const value of ['sent', 'delivered', 'delivered']) {
      const response = await postSigned(gw.url, status(value));
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(TWIML);
    }
    await waitFor('the status callbacks to be skipped', async () => {
      const states = await Promise.all(
        ['sent', 'delivered'].map(
          async (v) => (await store().get('twilio', `${messageSid}:${v}`))?.state,
        ),
      );
      return states.every((state) => state === 'skipped') ? true : undefined;
    });
    expect(await gw.control.requests()).toEqual([]);
  });

  it('puts MMS media in the note', async () => {
    const messageSid = nextSid();
    const response = await postSigned(
      gw.url,
      smsParams(messageSid, {
        Body: '',
        NumMedia: '1',
        MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
        MediaContentType0: 'image/jpeg',
      }),
    );
    expect(response.status).toBe(200);
    const stored = await delivered(messageSid);
    const incidents = await gw.control.incidents();
    const incident = incidents.find((i) => i.id === stored.checkpoint.incidentId)!;
    expect(incident.subject).toBe('MMS from +14155552671');
    const [note] = await gw.control.threads(incident.id);
    expect(note.text).toContain(
      'media 1: https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1 (image/jpeg)',
    );
  });

  it('creates one contact for a new sender whose messages arrive together', async () => {
    const sids = [nextSid(), nextSid(), nextSid(), nextSid()];
    const responses = await Promise.all(
      sids.map((messageSid, i) =>
        postSigned(gw.url, smsParams(messageSid, { From: '+14155550199', Body: `part ${i}` })),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    for (const messageSid of sids) await delivered(messageSid);
    expect(await gw.control.contacts()).toHaveLength(1);
    expect(await gw.control.incidents()).toHaveLength(4);
  });

  it('reuses the contact that already has the sender phone number', async () => {
    const first = nextSid();
    await postSigned(gw.url, smsParams(first));
    await delivered(first);
    await gw.control.clearRequests();
    const second = nextSid();
    expect((await postSigned(gw.url, smsParams(second, { Body: 'second message' }))).status).toBe(
      200,
    );
    await delivered(second);
    expect((await gw.control.requests()).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /contacts',
      'POST /incidents',
    ]);
    expect(await gw.control.contacts()).toHaveLength(1);
    expect(await gw.control.incidents()).toHaveLength(2);
  });

  it('turns 5 concurrent and 5 sequential deliveries of one webhook into exactly one incident', async () => {
    const messageSid = nextSid();
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => postSigned(gw.url, smsParams(messageSid))),
    );
    const sequential = [];
    for (let i = 0; i < 5; i += 1) sequential.push(await postSigned(gw.url, smsParams(messageSid)));
    for (const response of [...concurrent, ...sequential]) {
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(TWIML);
    }
    await delivered(messageSid);
    // A wrongly queued duplicate is claimed by the next whole worker turn and stays pending
    // until its delivery ends: none may be pending once that turn is over.
    await afterWorkerTurn(gw.app);
    expect(await store().count('pending')).toBe(0);
    expect(await incidentsWithMarker(messageSid)).toHaveLength(1);
    expect((await gw.control.requests()).filter((r) => r.path === '/incidents')).toHaveLength(1);
  });

  it.each([
    [
      'a tampered body',
      (r: Mutable) => (r.body = Buffer.from(r.body.toString().replace('arrived', 'arrives'))),
    ],
    [
      'an added parameter',
      (r: Mutable) => (r.body = Buffer.concat([r.body, Buffer.from('&Extra=1')])),
    ],
    ['a tampered URL', (r: Mutable) => (r.path = `${WEBHOOK_PATH}?foo=bar`)],
    ['a missing signature header', (r: Mutable) => delete r.headers['x-twilio-signature']],
    ['an empty signature header', (r: Mutable) => (r.headers['x-twilio-signature'] = '')],
  ])('refuses %s with 401 problem+json and stores nothing', async (_case, mutate) => {
    const messageSid = nextSid();
    const response = await postSigned(gw.url, smsParams(messageSid), { mutate });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as Record<string, unknown>;
    expect(problem).toMatchObject({
      type: 'urn:b2c-webhook-gateway:problem:signature-rejected',
      status: 401,
      instance: WEBHOOK_PATH,
    });
    expect(typeof problem.requestId).toBe('string');
    expect(await store().get('twilio', messageSid)).toBeUndefined();
    // Nothing was stored, so a worker turn after the answer finds nothing to send.
    await afterWorkerTurn(gw.app);
    expect(await store().count('pending')).toBe(0);
    expect(await gw.control.requests()).toEqual([]);
  });

  it('refuses a signature made with the wrong token or for another URL, logging why without the secret', async () => {
    const wrongToken = await postSigned(gw.url, smsParams(nextSid()), {
      authToken: 'f'.repeat(32),
    });
    expect(wrongToken.status).toBe(401);
    const otherUrl = await postSigned(gw.url, smsParams(nextSid()), {
      signedUrl: `${TEST_PUBLIC_BASE_URL}/vendors/twilio/other`,
    });
    expect(otherUrl.status).toBe(401);
    const { requestId } = (await otherUrl.json()) as { requestId: string };
    const line = gw.logs.find((entry) => entry.requestId === requestId);
    expect(line).toMatchObject({ status: 401, problem: 'signature-rejected', path: WEBHOOK_PATH });
    const allLogs = JSON.stringify(gw.logs);
    expect(allLogs).not.toContain('0f1e2d3c4b5a69788796a5b4c3d2e1f0');
    expect(await store().counts()).toMatchObject({ pending: 0 });
  });
});

type Mutable = { body: Buffer; headers: Record<string, string>; path: string };
