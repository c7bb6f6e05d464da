import { EmulatorControl } from './emulator-control';
import { RunningEmulator, startEmulator } from './emulator';

const USERNAME = 'gateway';
const PASSWORD = 'correct horse';
const AUTH = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`;
const CONTEXT = { 'osvc-crest-application-context': 'emulator spec' };
const MOBILE = '+14155552671';

interface Link {
  rel: string;
  href: string;
}

interface OracleError {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  'o:errorCode': string;
}

interface Item {
  id: number;
  lookupName: string;
  createdTime: string;
  updatedTime: string;
  links: Link[];
}

interface Collection<T = Item> {
  items: T[];
  hasMore: boolean;
  totalResults?: number;
  links: Link[];
}

interface Contact extends Item {
  name: { first: string | null; last: string | null };
}

interface Incident extends Item {
  referenceNumber: string;
  subject: string;
  primaryContact: { links: Link[] };
}

interface NamedId {
  id: number;
  lookupName: string;
}

interface Thread {
  id: number;
  text: string;
  entryType: NamedId;
  contentType: NamedId;
  createdTime: string;
  displayOrder: number;
}

interface Phone {
  number: string;
  phoneType: NamedId;
}

interface QueryResults {
  items: { tableName: string; count: number; columnNames: string[]; rows: (string | null)[][] }[];
  links: Link[];
}

interface Reply<T> {
  status: number;
  headers: Headers;
  body: T;
}

let emulator: RunningEmulator;
let control: EmulatorControl;

function restUrl(version: string, path: string): string {
  return `${emulator.url}/services/rest/connect/${version}${path}`;
}

async function call<T>(
  method: string,
  path: string,
  options: {
    version?: string;
    headers?: Record<string, string>;
    body?: unknown;
    raw?: string;
  } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { authorization: AUTH, ...CONTEXT, ...options.headers };
  let body: string | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(restUrl(options.version ?? 'v1.4', path), { method, headers, body });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text === '' ? undefined : JSON.parse(text)) as T,
  };
}

const get = <T>(path: string, options?: Parameters<typeof call>[2]) =>
  call<T>('GET', path, options);
const post = <T>(path: string, body: unknown, options?: Parameters<typeof call>[2]) =>
  call<T>('POST', path, { ...options, body });

function q(condition: string): string {
  return `?q=${encodeURIComponent(condition)}`;
}

function query(roql: string): string {
  return `/queryResults?query=${encodeURIComponent(roql)}`;
}

async function createContact(first: string, last: string, phone?: string): Promise<Contact> {
  const reply = await post<Contact>('/contacts', {
    name: { first, last },
    ...(phone ? { phones: [{ number: phone, phoneType: { lookupName: 'Mobile Phone' } }] } : {}),
  });
  expect(reply.status).toBe(201);
  return reply.body;
}

async function createIncident(contactId: number, subject = 'Order missing'): Promise<Incident> {
  const reply = await post<Incident>('/incidents', {
    subject,
    primaryContact: { id: contactId },
    threads: [
      {
        text: 'SMS from +14155552671: where is my order?',
        entryType: { lookupName: 'Note' },
        contentType: { lookupName: 'text/plain' },
      },
    ],
  });
  expect(reply.status).toBe(201);
  return reply.body;
}

function expectOracleError(reply: Reply<unknown>, status: number, errorCode: string): OracleError {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  const body = reply.body as OracleError;
  expect(body).toEqual({
    type: expect.stringMatching(new RegExp(`/services/rest/connect/exceptions/${errorCode}$`)),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    instance: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
    'o:errorCode': errorCode,
  });
  return body;
}

beforeAll(async () => {
  emulator = await startEmulator({
    dbFile: ':memory:',
    username: USERNAME,
    password: PASSWORD,
    port: 0,
  });
  control = new EmulatorControl(emulator.url, USERNAME, PASSWORD);
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(async () => {
  await control.reset();
});

describe('listening', () => {
  it('binds to loopback on a random port and answers health', async () => {
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${emulator.url}/_emulator/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});

describe('authentication', () => {
  it('answers 401 with WWW-Authenticate: Basic when credentials are missing', async () => {
    const response = await fetch(restUrl('v1.4', '/contacts'), { headers: CONTEXT });
    const reply = {
      status: response.status,
      headers: response.headers,
      body: await response.json(),
    };
    expectOracleError(reply, 401, 'OSC-CREST-00014');
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it.each([
    ['a wrong password', `Basic ${Buffer.from(`${USERNAME}:wrong`).toString('base64')}`],
    ['a wrong user', `Basic ${Buffer.from(`other:${PASSWORD}`).toString('base64')}`],
    ['no colon', `Basic ${Buffer.from(USERNAME).toString('base64')}`],
    ['another scheme', 'Bearer abc'],
  ])('answers 401 for %s', async (_what, authorization) => {
    const reply = await get('/contacts', { headers: { authorization } });
    expectOracleError(reply, 401, 'OSC-CREST-00014');
  });

  it('protects every route, known or not', async () => {
    for (const path of [
      '/incidents',
      '/queryResults?query=select%20id%20from%20contacts',
      '/nope',
    ]) {
      const response = await fetch(restUrl('v1.4', path), { headers: CONTEXT });
      expect(response.status).toBe(401);
    }
  });
});

describe('OSvC-CREST-Application-Context', () => {
  it.each(['v1.4', 'latest'])('is required on %s', async (version) => {
    const reply = await get('/contacts', {
      version,
      headers: { 'osvc-crest-application-context': '' },
    });
    const body = expectOracleError(reply, 400, 'OSC-CREST-00016');
    expect(body.detail).toContain('OSvC-CREST-Application-Context');
  });

  it('is refused on v1.4 when the header is absent altogether', async () => {
    const response = await fetch(restUrl('v1.4', '/contacts'), {
      headers: { authorization: AUTH },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as OracleError).detail).toContain(
      'OSvC-CREST-Application-Context',
    );
  });

  it('is optional on v1.3, as Oracle documents', async () => {
    const response = await fetch(restUrl('v1.3', '/contacts'), {
      headers: { authorization: AUTH },
    });
    expect(response.status).toBe(200);
  });

  it('accepts 40 characters and refuses 41 (documented maximum)', async () => {
    const ok = await get('/contacts', {
      headers: { 'osvc-crest-application-context': 'x'.repeat(40) },
    });
    expect(ok.status).toBe(200);
    const tooLong = await get('/contacts', {
      headers: { 'osvc-crest-application-context': 'x'.repeat(41) },
    });
    expect(expectOracleError(tooLong, 400, 'OSC-CREST-00016').detail).toContain('40');
  });
});

describe('routing', () => {
  it('answers unsupported versions with 404 OSC-CREST-00003', async () => {
    expectOracleError(await get('/contacts', { version: 'v1.2' }), 404, 'OSC-CREST-00003');
  });

  it('answers unknown resources and paths outside the API with 404 in Oracle shape', async () => {
    expectOracleError(await get('/accounts'), 404, 'OSC-CREST-00013');
    expectOracleError(await get('/contacts/abc'), 404, 'OSC-CREST-00013');
    const response = await fetch(`${emulator.url}/nowhere`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as OracleError)['o:errorCode']).toBe('OSC-CREST-00013');
  });

  it('answers an unsupported method with 405 and Allow', async () => {
    const reply = await call('DELETE', '/contacts');
    expectOracleError(reply, 405, 'OSC-CREST-00002');
    expect(reply.headers.get('allow')).toBe('GET, POST');
  });

  it('answers 404 OSC-CREST-00005 for a record that does not exist', async () => {
    expectOracleError(await get('/contacts/999'), 404, 'OSC-CREST-00005');
    expectOracleError(await get('/incidents/999/threads'), 404, 'OSC-CREST-00005');
  });
});

describe('request bodies', () => {
  it('answers malformed JSON with 400 OSC-CREST-00011', async () => {
    const reply = await call('POST', '/contacts', {
      raw: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expectOracleError(reply, 400, 'OSC-CREST-00011');
  });

  it('answers an empty POST with 400 OSC-CREST-00010', async () => {
    const reply = await call('POST', '/contacts', {
      headers: { 'content-type': 'application/json' },
    });
    expectOracleError(reply, 400, 'OSC-CREST-00010');
  });

  it('refuses bodies that are not application/json', async () => {
    const reply = await call('POST', '/contacts', {
      raw: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectOracleError(reply, 415, 'OSC-CREST-00016');
  });

  it('refuses a body without Content-Type', async () => {
    const response = await fetch(restUrl('v1.4', '/contacts'), {
      method: 'POST',
      headers: { authorization: AUTH, ...CONTEXT },
      body: new Blob(['{"name":{"first":"x"}}']),
    });
    expect(response.status).toBe(415);
  });

  it('answers a body over the size limit with 413 in Oracle shape, and logs it', async () => {
    const reply = await call('POST', '/contacts', {
      raw: JSON.stringify({ name: { first: 'x'.repeat(2 * 1024 * 1024) } }),
      headers: { 'content-type': 'application/json' },
    });
    expectOracleError(reply, 413, 'OSC-CREST-00016');
    expect(await control.requests()).toEqual([
      expect.objectContaining({ method: 'POST', path: '/contacts', status: 413, body: null }),
    ]);
  });

  it('answers a path with broken percent-encoding with 404, not 500', async () => {
    expectOracleError(await get('/contacts/%E0%A4%A'), 404, 'OSC-CREST-00013');
  });

  it('refuses a JSON value that is not an object', async () => {
    expectOracleError(await post('/contacts', [1, 2]), 400, 'OSC-CREST-00012');
  });
});

describe('contacts', () => {
  it('creates a contact with a mobile phone: 201, Location and the contact', async () => {
    const reply = await post<Contact>('/contacts', {
      name: { first: 'Ada', last: 'Lovelace' },
      phones: [{ number: MOBILE, phoneType: { lookupName: 'Mobile Phone' } }],
      emails: [{ address: 'ada@example.com', addressType: { id: 0 } }],
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      id: 1,
      lookupName: 'Ada Lovelace',
      name: { first: 'Ada', last: 'Lovelace' },
      createdTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      updatedTime: expect.stringMatching(/Z$/),
    });
    const location = reply.headers.get('location');
    expect(location).toBe(restUrl('v1.4', '/contacts/1'));
    expect(reply.body.links).toContainEqual({ rel: 'canonical', href: location });

    const fetched = await get<Contact>('/contacts/1');
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(reply.body);

    const phones = await get<Collection<Phone>>('/contacts/1/phones');
    expect(phones.body.items).toEqual([
      expect.objectContaining({ number: MOBILE, phoneType: { id: 1, lookupName: 'Mobile Phone' } }),
    ]);
  });

  it('finds a contact by phone number with q=', async () => {
    await createContact('Other', 'Person', '+14155550000');
    const ada = await createContact('Ada', 'Lovelace', MOBILE);
    const reply = await get<Collection>(`/contacts${q(`phones.number = '${MOBILE}'`)}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      items: [
        {
          id: ada.id,
          lookupName: 'Ada Lovelace',
          createdTime: ada.createdTime,
          updatedTime: ada.updatedTime,
          links: [{ rel: 'canonical', href: restUrl('v1.4', `/contacts/${ada.id}`) }],
        },
      ],
      hasMore: false,
      links: expect.arrayContaining([
        { rel: 'canonical', href: restUrl('v1.4', '/contacts') },
        expect.objectContaining({ rel: 'self' }),
      ]),
    });
    const none = await get<Collection>(`/contacts${q("phones.number = '+19999999999'")}`);
    expect(none.body.items).toEqual([]);
  });

  it("escapes quotes in ROQL literals by doubling them ('O''Brien')", async () => {
    const obrien = await createContact('Conan', "O'Brien");
    await createContact('Conan', 'OBrien');
    const reply = await get<Collection>(`/contacts${q("name.last = 'O''Brien'")}`);
    expect(reply.body.items.map((item) => item.id)).toEqual([obrien.id]);
    const rows = await get<QueryResults>(
      query("select id, name.last from contacts where name.last like 'O''%'"),
    );
    expect(rows.body.items[0].rows).toEqual([[String(obrien.id), "O'Brien"]]);
  });

  it('never answers 500 to injection attempts in q=', async () => {
    await createContact('Ada', 'Lovelace', MOBILE);
    const attempts = [
      "name.last = 'x' OR 1=1",
      "name.last = 'x' OR '1'='1'",
      "name.last = '' OR ''='",
      "name.last = 'x'; DROP TABLE contacts; --",
      "name.last = 'x' UNION SELECT id FROM incidents",
      'id = 1)) OR ((1=1',
      "name.last = 'x\\' OR 1=1 --'",
      'id = (SELECT 1)',
      'sqlite_master.name IS NOT NULL',
      "name.last = 'x''); DELETE FROM contacts; --'",
      "phones.number = '' OR EXISTS(SELECT 1)",
      '\u0000',
      `${'('.repeat(2000)}id = 1`,
    ];
    for (const attempt of attempts) {
      const reply = await get<Collection | OracleError>(`/contacts${q(attempt)}`);
      expect([200, 400]).toContain(reply.status);
      if (reply.status === 200) expect((reply.body as Collection).items).toEqual([]);
      else expect((reply.body as OracleError)['o:errorCode']).toBe('OSC-CREST-00007');
    }
    expect((await control.contacts()).map((c) => c.lookupName)).toEqual(['Ada Lovelace']);
  });

  it('answers an unknown ROQL field with 400', async () => {
    const reply = await get(`/contacts${q("nickname = 'x'")}`);
    expect(expectOracleError(reply, 400, 'OSC-CREST-00007').detail).toContain('nickname');
  });

  it('pages with limit and offset, and counts with totalResults', async () => {
    for (const name of ['A', 'B', 'C']) await createContact(name, 'Test');
    const first = await get<Collection>('/contacts?limit=2&totalResults=true');
    expect(first.body.items.map((item) => item.lookupName)).toEqual(['A Test', 'B Test']);
    expect(first.body.hasMore).toBe(true);
    expect(first.body.totalResults).toBe(3);
    const next = first.body.links.find((link) => link.rel === 'next');
    expect(next?.href).toContain('offset=2');
    const second = await get<Collection>('/contacts?limit=2&offset=2');
    expect(second.body.items.map((item) => item.lookupName)).toEqual(['C Test']);
    expect(second.body.hasMore).toBe(false);
    expectOracleError(await get('/contacts?limit=0'), 400, 'OSC-CREST-00007');
    expectOracleError(await get('/contacts?limit=abc'), 400, 'OSC-CREST-00007');
  });

  it('adds a phone with POST /contacts/{id}/phones, one per phone type', async () => {
    const contact = await createContact('Ada', 'Lovelace');
    const reply = await post<Phone>(`/contacts/${contact.id}/phones`, {
      number: MOBILE,
      phoneType: { id: 1 },
    });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('location')).toBe(restUrl('v1.4', `/contacts/${contact.id}/phones/1`));
    expect(reply.body).toMatchObject({
      number: MOBILE,
      phoneType: { id: 1, lookupName: 'Mobile Phone' },
    });
    const found = await get<Collection>(`/contacts${q(`phones.number = '${MOBILE}'`)}`);
    expect(found.body.items.map((item) => item.id)).toEqual([contact.id]);

    const again = await post(`/contacts/${contact.id}/phones`, {
      number: '+14155550001',
      phoneType: { lookupName: 'Mobile Phone' },
    });
    expectOracleError(again, 400, 'OSC-CREST-00006');
    const missing = await post('/contacts/999/phones', { number: MOBILE, phoneType: { id: 1 } });
    expectOracleError(missing, 404, 'OSC-CREST-00005');
  });

  it.each([
    ['an unknown phone type', { phones: [{ number: MOBILE, phoneType: { lookupName: 'Pager' } }] }],
    ['a phone without type', { phones: [{ number: MOBILE }] }],
    [
      'both id and lookupName',
      { phones: [{ number: MOBILE, phoneType: { id: 1, lookupName: 'Mobile Phone' } }] },
    ],
    ['a name that is not an object', { name: 'Ada' }],
    ['a first name over 80 characters', { name: { first: 'x'.repeat(81) } }],
    ['an invalid email', { emails: [{ address: 'not-an-email' }] }],
  ])('refuses a contact with %s', async (_what, body) => {
    expectOracleError(await post('/contacts', body), 400, 'OSC-CREST-00006');
  });
});

describe('incidents', () => {
  it('creates an incident with an inline Note thread and reads it back', async () => {
    const contact = await createContact('Ada', 'Lovelace', MOBILE);
    const reply = await post<Incident>('/incidents', {
      subject: 'Order missing',
      primaryContact: { id: contact.id },
      threads: [
        {
          text: 'Where is my order?',
          entryType: { lookupName: 'Note' },
          contentType: { lookupName: 'text/plain' },
        },
      ],
    });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('location')).toBe(restUrl('v1.4', `/incidents/${reply.body.id}`));
    expect(reply.body).toMatchObject({
      id: 1,
      subject: 'Order missing',
      lookupName: expect.stringMatching(/^\d{6}-000001$/),
      createdTime: expect.stringMatching(/Z$/),
    });
    expect(reply.body.referenceNumber).toBe(reply.body.lookupName);
    expect(reply.body.primaryContact.links).toContainEqual({
      rel: 'canonical',
      href: restUrl('v1.4', `/contacts/${contact.id}`),
    });

    expect((await get<Incident>('/incidents/1')).body).toEqual(reply.body);
    const primary = await get<Contact>('/incidents/1/primaryContact');
    expect(primary.body.id).toBe(contact.id);

    const threads = await get<Collection<Thread>>('/incidents/1/threads');
    expect(threads.status).toBe(200);
    expect(threads.body.items).toEqual([
      expect.objectContaining({
        id: expect.any(Number),
        text: 'Where is my order?',
        entryType: { id: 1, lookupName: 'Note' },
        contentType: { id: 1, lookupName: 'text/plain' },
        createdTime: reply.body.createdTime,
        displayOrder: 1,
      }),
    ]);

    const added = await post<Thread>('/incidents/1/threads', {
      text: 'Second note',
      entryType: { id: 1 },
    });
    expect(added.status).toBe(201);
    expect(added.headers.get('location')).toBe(
      restUrl('v1.4', `/incidents/1/threads/${added.body.id}`),
    );
    expect(added.body).toMatchObject({
      displayOrder: 2,
      contentType: { lookupName: 'text/plain' },
    });
    const all = await control.threads(1);
    expect(all.map((thread) => thread.text)).toEqual(['Where is my order?', 'Second note']);

    const list = await get<Collection>('/incidents');
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: 1, lookupName: reply.body.lookupName }),
    ]);
  });

  it('numbers reference numbers per day', async () => {
    const contact = await createContact('Ada', 'Lovelace');
    const first = await createIncident(contact.id);
    const second = await createIncident(contact.id);
    const day = first.referenceNumber.slice(0, 6);
    expect(second.referenceNumber).toBe(`${day}-000002`);
  });

  it('accepts primaryContact by lookupName', async () => {
    const contact = await createContact('Grace', 'Hopper');
    const reply = await post<Incident>('/incidents', {
      subject: 'By name',
      primaryContact: { lookupName: 'Grace Hopper' },
    });
    expect(reply.status).toBe(201);
    expect((await control.incident(reply.body.id)).primaryContactId).toBe(contact.id);
  });

  it('refuses a primary contact that does not exist, creating nothing', async () => {
    const reply = await post('/incidents', {
      subject: 'Nobody',
      primaryContact: { id: 999 },
      threads: [{ text: 'x', entryType: { lookupName: 'Note' } }],
    });
    const body = expectOracleError(reply, 400, 'OSC-CREST-00006');
    expect(body.detail).toContain('No such Contact with ID = 999');
    expect(await control.incidents()).toEqual([]);
  });

  it('accepts a 240-character subject and refuses 241', async () => {
    const contact = await createContact('Ada', 'Lovelace');
    const ok = await post('/incidents', {
      subject: 's'.repeat(240),
      primaryContact: { id: contact.id },
    });
    expect(ok.status).toBe(201);
    const tooLong = await post('/incidents', {
      subject: 's'.repeat(241),
      primaryContact: { id: contact.id },
    });
    expect(expectOracleError(tooLong, 400, 'OSC-CREST-00006').detail).toContain('240');
    expect(await control.incidents()).toHaveLength(1);
  });

  it.each([
    ['no subject', (id: number) => ({ primaryContact: { id } })],
    ['a blank subject', (id: number) => ({ subject: '  ', primaryContact: { id } })],
    ['no primary contact', () => ({ subject: 'x' })],
    [
      'a thread without entryType',
      (id: number) => ({ subject: 'x', primaryContact: { id }, threads: [{ text: 'x' }] }),
    ],
    [
      'a thread with an unknown entryType',
      (id: number) => ({
        subject: 'x',
        primaryContact: { id },
        threads: [{ text: 'x', entryType: { id: 99 } }],
      }),
    ],
    [
      'a thread without text',
      (id: number) => ({
        subject: 'x',
        primaryContact: { id },
        threads: [{ entryType: { id: 1 } }],
      }),
    ],
  ])('refuses an incident with %s and creates nothing', async (_what, body) => {
    const contact = await createContact('Ada', 'Lovelace');
    expectOracleError(await post('/incidents', body(contact.id)), 400, 'OSC-CREST-00006');
    expect(await control.incidents()).toEqual([]);
  });

  it('finds incidents of a contact with q=', async () => {
    const ada = await createContact('Ada', 'Lovelace');
    const grace = await createContact('Grace', 'Hopper');
    const mine = await createIncident(ada.id, 'Mine');
    await createIncident(grace.id, 'Theirs');
    const reply = await get<Collection>(`/incidents${q(`primaryContact.contact.id = ${ada.id}`)}`);
    expect(reply.body.items.map((item) => item.id)).toEqual([mine.id]);
  });
});

describe('queryResults', () => {
  it('finds contact ids by phone number, values as strings', async () => {
    const contact = await createContact('Ada', 'Lovelace', MOBILE);
    const reply = await get<QueryResults>(
      query(`select id from contacts where phones.number = '${MOBILE}'`),
    );
    expect(reply.status).toBe(200);
    expect(reply.body.items).toEqual([
      { tableName: 'contacts', count: 1, columnNames: ['id'], rows: [[String(contact.id)]] },
    ]);
    expect(reply.body.links).toContainEqual({
      rel: 'canonical',
      href: restUrl('v1.4', '/queryResults'),
    });
  });

  it('filters incidents by primary contact and creation time (ISO 8601 UTC)', async () => {
    const contact = await createContact('Ada', 'Lovelace');
    const other = await createContact('Grace', 'Hopper');
    const before = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const incident = await createIncident(contact.id, 'Late delivery');
    await createIncident(other.id, 'Not mine');

    const since = await get<QueryResults>(
      query(
        `select id from incidents where primaryContact.contact.id = ${contact.id} and createdTime >= '${before}'`,
      ),
    );
    expect(since.body.items[0]).toEqual({
      tableName: 'incidents',
      count: 1,
      columnNames: ['id'],
      rows: [[String(incident.id)]],
    });

    const future = await get<QueryResults>(
      query(
        `select id from incidents where primaryContact.contact.id = ${contact.id} and createdTime >= '2999-01-01T00:00:00Z'`,
      ),
    );
    expect(future.body.items[0]).toMatchObject({ count: 0, rows: [] });

    const withSubject = await get<QueryResults>(
      query(`select id, subject from incidents where primaryContact.contact = ${contact.id}`),
    );
    expect(withSubject.body.items[0]).toEqual({
      tableName: 'incidents',
      count: 1,
      columnNames: ['id', 'subject'],
      rows: [[String(incident.id), 'Late delivery']],
    });
  });

  it('runs several statements separated by semicolons, with ORDER BY and LIMIT', async () => {
    const contact = await createContact('Ada', 'Lovelace');
    await createIncident(contact.id, 'first');
    await createIncident(contact.id, 'second');
    const reply = await get<QueryResults>(
      query('select subject from incidents order by id desc limit 1; select id from contacts;'),
    );
    expect(reply.body.items).toEqual([
      { tableName: 'incidents', count: 1, columnNames: ['subject'], rows: [['second']] },
      { tableName: 'contacts', count: 1, columnNames: ['id'], rows: [[String(contact.id)]] },
    ]);
  });

  it.each([
    ['no query', '/queryResults'],
    ['an empty query', query('')],
    ['a syntax error', query('select id from')],
    ['an unknown table', query('select id from accounts')],
    ['an unknown column', query('select password from contacts')],
    [
      'a date-time compared with garbage',
      query("select id from incidents where createdTime > 'soon'"),
    ],
    ['a statement that is not a select', query('delete from contacts')],
  ])('answers %s with 400 OSC-CREST-00007', async (_what, path) => {
    expectOracleError(await get(path), 400, 'OSC-CREST-00007');
  });
});

describe('robustness', () => {
  it('never answers 500 to odd bodies', async () => {
    const contact = await createContact('Ada', 'Lovelace');
    await createIncident(contact.id);
    const bodies: unknown[] = [
      null,
      0,
      'text',
      [],
      {},
      { name: null, phones: 'x', emails: {} },
      { phones: [null] },
      { phones: [{ number: 5, phoneType: { id: '1' } }] },
      { emails: [{ address: 5 }] },
      { subject: 5, primaryContact: '1' },
      { subject: 'x', primaryContact: { id: 1.5 } },
      { subject: 'x', primaryContact: { id: 1 }, threads: {} },
      {
        subject: 'x',
        primaryContact: { id: 1 },
        threads: [{ text: 'x', entryType: { lookupName: 5 } }],
      },
      { text: ['x'], entryType: { id: 1 }, contentType: { id: 3 } },
      { number: '', phoneType: { id: -1 } },
    ];
    const paths = [
      '/contacts',
      '/incidents',
      `/contacts/${contact.id}/phones`,
      '/incidents/1/threads',
    ];
    const serverErrors: string[] = [];
    for (const path of paths) {
      for (const body of bodies) {
        const reply = await post(path, body);
        if (reply.status >= 500) serverErrors.push(`${path} ${JSON.stringify(body)}`);
      }
    }
    expect(serverErrors).toEqual([]);
  });

  it('survives a body nested too deeply to serialise again', async () => {
    const depth = 200_000;
    const reply = await call('POST', '/contacts', {
      raw: '['.repeat(depth) + ']'.repeat(depth),
      headers: { 'content-type': 'application/json' },
    });
    expectOracleError(reply, 400, 'OSC-CREST-00012');
    expect(await control.requests()).toEqual([
      expect.objectContaining({ method: 'POST', body: null, status: 400 }),
    ]);
  });

  it('answers odd URLs and query parameters with 4xx, never 500', async () => {
    await createContact('Ada', 'Lovelace');
    await createContact('Grace', 'Hopper');
    const paths = [
      '/contacts?q=',
      '/contacts?q=a&q=b',
      '/contacts?limit=1&limit=2',
      '/contacts?offset=-1',
      '/contacts?totalResults=maybe',
      `/contacts/${'9'.repeat(30)}`,
      '/contacts/0',
      '/incidents/1/threads/abc',
      '/queryResults?query=select%20id%20from%20contacts%20limit%2099999999999999999999',
      `/queryResults?query=${encodeURIComponent('select id from contacts where ' + 'id = 1 or '.repeat(250) + 'id = 1')}`,
      `/${'x/'.repeat(300)}`,
    ];
    const notClientErrors: string[] = [];
    for (const path of paths) {
      const { status } = await get(path);
      if (status < 400 || status >= 500) notClientErrors.push(`${path.slice(0, 80)} -> ${status}`);
    }
    expect(notClientErrors).toEqual([]);
  });
});

describe('request log', () => {
  it('records every REST request in order, with the Authorization header reduced to its scheme', async () => {
    await fetch(restUrl('v1.4', '/contacts'), { headers: CONTEXT });
    await post('/contacts', { name: { first: 'Ada', last: 'Lovelace' } });
    await get(`/contacts${q("name.first = 'Ada'")}`, { version: 'latest' });
    await control.contacts(); // the control client's own reads are not logged

    const requests = await control.requests();
    expect(requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/contacts',
        version: 'v1.4',
        status: 401,
        body: null,
      }),
      expect.objectContaining({
        method: 'POST',
        path: '/contacts',
        status: 201,
        body: { name: { first: 'Ada', last: 'Lovelace' } },
      }),
      expect.objectContaining({
        method: 'GET',
        version: 'latest',
        query: { q: "name.first = 'Ada'" },
        status: 200,
      }),
    ]);
    expect(requests[1].headers).toMatchObject({
      authorization: 'Basic',
      'osvc-crest-application-context': 'emulator spec',
      'content-type': 'application/json',
    });
    expect(JSON.stringify(requests)).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    expect(Date.parse(requests[0].at)).not.toBeNaN();

    await control.clearRequests();
    expect(await control.requests()).toEqual([]);
  });

  it('records requests that were malformed', async () => {
    await call('POST', '/contacts', {
      raw: '{oops',
      headers: { 'content-type': 'application/json' },
    });
    expect(await control.requests()).toEqual([
      expect.objectContaining({ method: 'POST', body: null, status: 400 }),
    ]);
  });
});

describe('reset and the control client', () => {
  it('reads data through EmulatorControl and wipes it with reset', async () => {
    const contact = await createContact('Ada', 'Lovelace', MOBILE);
    const incident = await createIncident(contact.id);
    expect(await control.contacts()).toEqual([
      expect.objectContaining({
        id: contact.id,
        lookupName: 'Ada Lovelace',
        name: { first: 'Ada', last: 'Lovelace' },
        phones: [{ number: MOBILE, phoneType: { id: 1, lookupName: 'Mobile Phone' } }],
      }),
    ]);
    expect(await control.incidents()).toEqual([
      expect.objectContaining({
        id: incident.id,
        referenceNumber: incident.referenceNumber,
        primaryContactId: contact.id,
      }),
    ]);
    await control.addFault({ status: 503 });
    await control.reset();
    expect(await control.contacts()).toEqual([]);
    expect(await control.faults()).toEqual([]);
    expect(await control.requests()).toEqual([]);
    // Ids start again at 1 after a reset, like on a fresh site.
    expect((await createContact('New', 'Start')).id).toBe(1);
  });
});
