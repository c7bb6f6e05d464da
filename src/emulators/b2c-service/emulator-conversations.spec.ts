/**
 * What SMS conversations need from the emulator, over real HTTP: incident statuses, thread entry
 * types and channels, PATCH and DELETE of incidents, the ROQL the gateway polls with, and the
 * control routes that play the agent.
 */
import { EmulatorControl } from './emulator-control';
import { RunningEmulator, startEmulator } from './emulator';

const USERNAME = 'gateway';
const PASSWORD = 'conversation secret';
const AUTH = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`;
const START = Date.parse('2026-12-06T19:00:00Z');

interface NamedId {
  id: number;
  lookupName: string;
}

interface StatusWithType {
  status: NamedId;
  statusType: NamedId;
}

interface Incident {
  id: number;
  subject: string;
  createdTime: string;
  updatedTime: string;
  statusWithType: StatusWithType;
}

interface Thread {
  id: number;
  text: string;
  entryType: NamedId;
  contentType: NamedId;
  channel: NamedId | null;
  createdTime: string;
  displayOrder: number;
}

interface OracleError {
  status: number;
  detail: string;
  instance: string;
  'o:errorCode': string;
}

interface QueryResults {
  items: { tableName: string; count: number; columnNames: string[]; rows: (string | null)[][] }[];
}

interface Reply<T> {
  status: number;
  text: string;
  body: T;
}

let emulator: RunningEmulator;
let control: EmulatorControl;
/** The emulator's clock; tests move it to see times change. */
let clock = START;

async function call<T>(method: string, path: string, body?: unknown): Promise<Reply<T>> {
  const headers: Record<string, string> = {
    authorization: AUTH,
    'osvc-crest-application-context': 'conversation spec',
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${emulator.url}/services/rest/connect/v1.4${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

async function controlCall<T>(path: string, body: unknown): Promise<Reply<T>> {
  const response = await fetch(`${emulator.url}/_emulator${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

function expectOracleError(reply: Reply<unknown>, status: number, code: string): OracleError {
  expect(reply.status).toBe(status);
  const error = reply.body as OracleError;
  expect(error).toMatchObject({ status, 'o:errorCode': code, detail: expect.any(String) });
  return error;
}

async function newContact(): Promise<number> {
  const reply = await call<{ id: number }>('POST', '/contacts', {
    name: { first: 'Grace', last: 'Hopper' },
    phones: [{ number: '+14155550100', phoneType: { lookupName: 'Mobile Phone' } }],
  });
  expect(reply.status).toBe(201);
  return reply.body.id;
}

async function newIncident(contactId: number, extra: Record<string, unknown> = {}) {
  const reply = await call<Incident>('POST', '/incidents', {
    subject: 'SMS from +14155550100',
    primaryContact: { id: contactId },
    threads: [{ text: 'first text', entryType: { lookupName: 'Note' } }],
    ...extra,
  });
  expect(reply.status).toBe(201);
  return reply.body;
}

async function threadsOf(incidentId: number): Promise<Thread[]> {
  const reply = await call<{ items: Thread[] }>('GET', `/incidents/${incidentId}/threads`);
  expect(reply.status).toBe(200);
  return reply.body.items;
}

function roql(query: string) {
  return call<QueryResults>('GET', `/queryResults?query=${encodeURIComponent(query)}`);
}

beforeAll(async () => {
  emulator = await startEmulator({
    dbFile: ':memory:',
    username: USERNAME,
    password: PASSWORD,
    now: () => clock,
  });
  control = new EmulatorControl(emulator.url, USERNAME, PASSWORD);
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(async () => {
  clock = START;
  await control.reset();
});

describe('incident statuses', () => {
  it('starts a new incident Unresolved, with its status type', async () => {
    const incident = await newIncident(await newContact());
    expect(incident.statusWithType).toEqual({
      status: { id: 1, lookupName: 'Unresolved' },
      statusType: { id: 1, lookupName: 'Unresolved' },
    });
    expect(incident.createdTime).toBe('2026-12-06T19:00:00Z');
    expect(incident.updatedTime).toBe(incident.createdTime);
  });

  it.each([
    [{ lookupName: 'Solved' }, { id: 2, lookupName: 'Solved' }, { id: 2, lookupName: 'Solved' }],
    [{ id: 3 }, { id: 3, lookupName: 'Waiting' }, { id: 3, lookupName: 'Waiting' }],
    // Updated is an Unresolved status type (Oracle's default statuses).
    [
      { lookupName: 'Updated' },
      { id: 8, lookupName: 'Updated' },
      { id: 1, lookupName: 'Unresolved' },
    ],
  ])('creates an incident with the status %j', async (given, status, statusType) => {
    const incident = await newIncident(await newContact(), { statusWithType: { status: given } });
    expect(incident.statusWithType).toEqual({ status, statusType });
    const read = await call<Incident>('GET', `/incidents/${incident.id}`);
    expect(read.body.statusWithType).toEqual({ status, statusType });
  });

  it.each([[{ lookupName: 'Closed' }], [{ id: 4 }], [{ id: 1, lookupName: 'Unresolved' }], ['x']])(
    'refuses the status %j with 400 and creates nothing',
    async (status) => {
      const contactId = await newContact();
      const reply = await call('POST', '/incidents', {
        subject: 'bad status',
        primaryContact: { id: contactId },
        statusWithType: { status },
      });
      expectOracleError(reply, 400, 'OSC-CREST-00006');
      expect(await control.incidents()).toEqual([]);
    },
  );
});

describe('thread entries', () => {
  it.each([
    [1, 'Note'],
    [2, 'Staff Account'],
    [3, 'Customer'],
    [4, 'Customer Proxy'],
    [5, 'Chat'],
    [6, 'Rule Response'],
    [7, 'Rule Response Template'],
    [8, 'Voice Integration'],
  ])('accepts entry type %i (%s) by id and by lookupName', async (id, lookupName) => {
    const incident = await newIncident(await newContact());
    const byId = await call<Thread>('POST', `/incidents/${incident.id}/threads`, {
      text: 'by id',
      entryType: { id },
    });
    const byName = await call<Thread>('POST', `/incidents/${incident.id}/threads`, {
      text: 'by name',
      entryType: { lookupName },
    });
    expect(byId.status).toBe(201);
    expect(byName.status).toBe(201);
    expect(byId.body.entryType).toEqual({ id, lookupName });
    expect(byName.body.entryType).toEqual({ id, lookupName });
  });

  it('keeps content type, channel and creation time, and numbers threads across the site', async () => {
    const contactId = await newContact();
    const first = await newIncident(contactId);
    const second = await newIncident(contactId);
    clock += 5_000;
    const html = await call<Thread>('POST', `/incidents/${first.id}/threads`, {
      text: '<p>Hello</p>',
      entryType: { lookupName: 'Customer' },
      contentType: { lookupName: 'text/html' },
      channel: { lookupName: 'CSS Web' },
    });
    expect(html.status).toBe(201);
    expect(html.body).toMatchObject({
      contentType: { id: 2, lookupName: 'text/html' },
      channel: { id: 6, lookupName: 'CSS Web' },
      createdTime: '2026-12-06T19:00:05Z',
      displayOrder: 2,
    });
    const plain = await call<Thread>('POST', `/incidents/${second.id}/threads`, {
      text: 'plain',
      entryType: { id: 3 },
      contentType: { id: 1 },
    });
    expect(plain.body).toMatchObject({ contentType: { id: 1 }, channel: null, displayOrder: 2 });

    const ids = [...(await threadsOf(first.id)), ...(await threadsOf(second.id))]
      .map((thread) => thread.id)
      .sort((a, b) => a - b);
    expect(ids).toEqual([1, 2, 3, 4]);
    expect(plain.body.id).toBeGreaterThan(html.body.id);
  });

  it.each([
    [{ entryType: { lookupName: 'Response!' } }],
    [{ entryType: { id: 9 } }],
    [{ entryType: { id: 3 }, contentType: { lookupName: 'text/markdown' } }],
    [{ entryType: { id: 3 }, channel: { id: 99 } }],
  ])('refuses a thread with %j', async (fields) => {
    const incident = await newIncident(await newContact());
    const reply = await call('POST', `/incidents/${incident.id}/threads`, {
      text: 'x',
      ...fields,
    });
    expectOracleError(reply, 400, 'OSC-CREST-00006');
    expect(await threadsOf(incident.id)).toHaveLength(1);
  });
});

describe('PATCH /incidents/{id}', () => {
  it('sets the status and subject, appends every thread, and answers 200 with an empty body', async () => {
    const incident = await newIncident(await newContact());
    clock += 61_000;
    const reply = await call('PATCH', `/incidents/${incident.id}`, {
      subject: 'Still waiting',
      statusWithType: { status: { lookupName: 'Updated' } },
      threads: [
        { text: 'second text', entryType: { lookupName: 'Customer' } },
        { text: 'third text', entryType: { id: 3 }, contentType: { lookupName: 'text/plain' } },
      ],
    });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('');

    const read = await call<Incident>('GET', `/incidents/${incident.id}`);
    expect(read.body).toMatchObject({
      subject: 'Still waiting',
      statusWithType: {
        status: { id: 8, lookupName: 'Updated' },
        statusType: { id: 1, lookupName: 'Unresolved' },
      },
      createdTime: '2026-12-06T19:00:00Z',
      updatedTime: '2026-12-06T19:01:01Z',
    });
    const threads = await threadsOf(incident.id);
    expect(threads.map((t) => [t.text, t.entryType.lookupName, t.displayOrder])).toEqual([
      ['first text', 'Note', 1],
      ['second text', 'Customer', 2],
      ['third text', 'Customer', 3],
    ]);
    expect(threads[2].createdTime).toBe('2026-12-06T19:01:01Z');
  });

  it('moves updatedTime on a status change alone and on a thread alone', async () => {
    const incident = await newIncident(await newContact());
    clock += 10_000;
    await call('PATCH', `/incidents/${incident.id}`, {
      statusWithType: { status: { id: 2 } },
    });
    expect((await control.incident(incident.id)).updatedTime).toBe('2026-12-06T19:00:10Z');
    clock += 10_000;
    await call('PATCH', `/incidents/${incident.id}`, {
      threads: [{ text: 'thanks', entryType: { lookupName: 'Customer' } }],
    });
    const snapshot = await control.incident(incident.id);
    expect(snapshot.updatedTime).toBe('2026-12-06T19:00:20Z');
    expect(snapshot.status).toEqual({ id: 2, lookupName: 'Solved' });
  });

  it('is all or nothing: one bad thread leaves status, subject, threads and times unchanged', async () => {
    const incident = await newIncident(await newContact());
    clock += 30_000;
    const reply = await call('PATCH', `/incidents/${incident.id}`, {
      subject: 'Changed?',
      statusWithType: { status: { lookupName: 'Updated' } },
      threads: [
        { text: 'good', entryType: { lookupName: 'Customer' } },
        { text: 'bad', entryType: { lookupName: 'Gossip' } },
      ],
    });
    const error = expectOracleError(reply, 400, 'OSC-CREST-00006');
    expect(error.detail).toContain('threads[1].entryType');
    const read = await call<Incident>('GET', `/incidents/${incident.id}`);
    expect(read.body).toEqual(incident);
    expect(await threadsOf(incident.id)).toHaveLength(1);
  });

  it('refuses a bad status with 400 and an unknown contact with 400, changing nothing', async () => {
    const incident = await newIncident(await newContact());
    expectOracleError(
      await call('PATCH', `/incidents/${incident.id}`, {
        statusWithType: { status: { lookupName: 'Archived' } },
      }),
      400,
      'OSC-CREST-00006',
    );
    expectOracleError(
      await call('PATCH', `/incidents/${incident.id}`, {
        subject: 'new',
        primaryContact: { id: 999 },
        threads: [{ text: 'x', entryType: { id: 3 } }],
      }),
      400,
      'OSC-CREST-00006',
    );
    expect((await call<Incident>('GET', `/incidents/${incident.id}`)).body).toEqual(incident);
    expect(await threadsOf(incident.id)).toHaveLength(1);
  });

  it('answers an unknown incident with 404 and Oracle’s error document', async () => {
    const reply = await call('PATCH', '/incidents/4242', {
      threads: [{ text: 'x', entryType: { id: 3 } }],
    });
    const error = expectOracleError(reply, 404, 'OSC-CREST-00005');
    expect(error.instance).toMatch(/\/services\/rest\/connect\/v1\.4\/incidents\/4242$/);
  });

  it('needs a JSON body', async () => {
    const incident = await newIncident(await newContact());
    expectOracleError(await call('PATCH', `/incidents/${incident.id}`), 400, 'OSC-CREST-00010');
    expectOracleError(
      await call('PATCH', `/incidents/${incident.id}`, [1]),
      400,
      'OSC-CREST-00006',
    );
  });
});

describe('DELETE /incidents/{id}', () => {
  it('answers 200 with an empty body, then 404 on every route of the incident', async () => {
    const contactId = await newContact();
    const incident = await newIncident(contactId);
    const [thread] = await threadsOf(incident.id);
    const reply = await call('DELETE', `/incidents/${incident.id}`);
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('');

    for (const [method, path, body] of [
      ['GET', `/incidents/${incident.id}`, undefined],
      ['PATCH', `/incidents/${incident.id}`, { subject: 'x' }],
      ['DELETE', `/incidents/${incident.id}`, undefined],
      ['GET', `/incidents/${incident.id}/primaryContact`, undefined],
      ['GET', `/incidents/${incident.id}/threads`, undefined],
      ['POST', `/incidents/${incident.id}/threads`, { text: 'x', entryType: { id: 3 } }],
      ['GET', `/incidents/${incident.id}/threads/${thread.id}`, undefined],
    ] as const) {
      expectOracleError(await call(method, path, body), 404, 'OSC-CREST-00005');
    }
    const rows = await roql(`select id from incidents where id = ${incident.id}`);
    expect(rows.body.items[0].rows).toEqual([]);
    // Ids are never reused: a new incident's thread gets a higher id.
    const next = await newIncident(contactId);
    expect(next.id).toBeGreaterThan(incident.id);
    expect((await threadsOf(next.id))[0].id).toBeGreaterThan(thread.id);
  });
});

describe('ROQL for conversations', () => {
  /** Three incidents; responses (entry type 2) at 19:00:00, 20:30:00 and 21:00:00 UTC. */
  async function conversations(): Promise<number[]> {
    const contactId = await newContact();
    const ids: number[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await newIncident(contactId)).id);
    await control.addResponse(ids[0], 'before the poll window');
    clock = Date.parse('2026-12-06T20:30:00Z');
    await control.addResponse(ids[2], '<b>second</b>', 'text/html');
    await call('PATCH', `/incidents/${ids[1]}`, {
      threads: [{ text: 'customer again', entryType: { lookupName: 'Customer' } }],
    });
    clock = Date.parse('2026-12-06T21:00:00Z');
    await control.addResponse(ids[1], 'third');
    return ids;
  }

  it("answers the gateway's poll: one row per matching thread entry, ordered by thread id", async () => {
    const [a, b, c] = await conversations();
    const reply = await roql(
      `select id, threads.id, threads.text, threads.contentType.lookupName, threads.createdTime from incidents where id in (${a}, ${b}, ${c}) and threads.entryType.id = 2 and threads.createdTime > '2026-12-06T20:00:00Z' order by threads.id`,
    );
    expect(reply.status).toBe(200);
    const [result] = reply.body.items;
    expect(result.columnNames).toEqual([
      'id',
      'threads.id',
      'threads.text',
      'threads.contentType.lookupName',
      'threads.createdTime',
    ]);
    const threadsOfC = await threadsOf(c);
    const threadsOfB = await threadsOf(b);
    expect(result.rows).toEqual([
      [String(c), String(threadsOfC[1].id), '<b>second</b>', 'text/html', '2026-12-06T20:30:00Z'],
      [String(b), String(threadsOfB[2].id), 'third', 'text/plain', '2026-12-06T21:00:00Z'],
    ]);
    expect(result.count).toBe(2);
  });

  it('answers the status poll, with updatedTime', async () => {
    const [a, b, c] = await conversations();
    await control.setStatus(c, 'Solved');
    const reply = await roql(
      `select id, statusWithType.status.id, statusWithType.statusType.id, updatedTime from incidents where id in (${c}, ${a}, ${b})`,
    );
    expect(reply.body.items[0].rows).toEqual([
      [String(a), '3', '3', '2026-12-06T19:00:00Z'],
      [String(b), '3', '3', '2026-12-06T21:00:00Z'],
      [String(c), '2', '2', '2026-12-06T21:00:00Z'],
    ]);
  });

  it('runs both polls in one request, separated by a semicolon', async () => {
    const [a] = await conversations();
    const reply = await roql(
      `select id, statusWithType.status.lookupName, statusWithType.statusType.lookupName from incidents where id in (${a}); select threads.id, threads.entryType.lookupName from incidents where id = ${a} order by threads.id desc;`,
    );
    expect(reply.body.items.map((item) => item.rows)).toEqual([
      [[String(a), 'Waiting', 'Waiting']],
      [
        [expect.any(String), 'Staff Account'],
        [expect.any(String), 'Note'],
      ],
    ]);
  });

  it('supports NOT IN, and IN values are typed like comparisons', async () => {
    const [a, b, c] = await conversations();
    const notIn = await roql(`select id from incidents where id not in (${a}, ${c})`);
    expect(notIn.body.items[0].rows).toEqual([[String(b)]]);
    const byName = await roql(
      `select id from incidents where statusWithType.status.lookupName in ('Waiting', 'Updated') and id in ('${a}')`,
    );
    expect(byName.body.items[0].rows).toEqual([[String(a)]]);
    expectOracleError(
      await roql("select id from incidents where id in ('one')"),
      400,
      'OSC-CREST-00007',
    );
    expectOracleError(
      await roql('select id from incidents where id in ()'),
      400,
      'OSC-CREST-00007',
    );
  });

  it('tests threads.* in q= with ANY semantics: each incident once', async () => {
    const [a, b, c] = await conversations();
    const list = async (condition: string) =>
      (
        await call<{ items: { id: number }[] }>(
          'GET',
          `/incidents?q=${encodeURIComponent(condition)}`,
        )
      ).body.items.map((item) => item.id);
    expect(await list("threads.entryType.id = 3 and threads.text like 'customer%'")).toEqual([b]);
    expect(await list('threads.entryType.id in (1, 2, 3)')).toEqual([a, b, c]);
    expect(await list('threads.channel is not null')).toEqual([]);
  });

  it('joins threads when only the where clause names them', async () => {
    const [, b] = await conversations();
    const reply = await roql(
      `select id from incidents where id = ${b} and threads.entryType.id in (1, 3)`,
    );
    // One row per matching thread entry: the Note and the Customer entry.
    expect(reply.body.items[0].rows).toEqual([[String(b)], [String(b)]]);
  });

  it('gives an incident without threads one row of nulls', async () => {
    const contactId = await newContact();
    const reply = await call<Incident>('POST', '/incidents', {
      subject: 'no threads',
      primaryContact: { id: contactId },
    });
    const rows = await roql(
      `select id, threads.id, threads.channel.lookupName from incidents where id = ${reply.body.id}`,
    );
    expect(rows.body.items[0].rows).toEqual([[String(reply.body.id), null, null]]);
  });

  it('still refuses multi-valued fields that cannot be joined, and unknown thread fields', async () => {
    expectOracleError(await roql('select phones.number from contacts'), 400, 'OSC-CREST-00007');
    expectOracleError(await roql('select threads.secret from incidents'), 400, 'OSC-CREST-00007');
  });

  it('never answers 500 to injection attempts in IN lists', async () => {
    await conversations();
    for (const attempt of [
      'select id from incidents where id in (1); drop table incidents; --)',
      "select id from incidents where threads.text in ('x'') or 1=1 --')",
      'select id from incidents where id in (1,,2)',
      'select id from incidents where id in 1, 2',
    ]) {
      const reply = await roql(attempt);
      expect([200, 400]).toContain(reply.status);
    }
    expect(await control.incidents()).toHaveLength(3);
  });
});

describe('agent control routes', () => {
  it('adds a response as an agent sends it: Staff Account entry, status Waiting', async () => {
    const incident = await newIncident(await newContact());
    clock += 7_000;
    const id = await control.addResponse(incident.id, '<p>On its way</p>', 'text/html');
    const threads = await control.threads(incident.id);
    expect(threads[1]).toEqual({
      id,
      text: '<p>On its way</p>',
      entryType: { id: 2, lookupName: 'Staff Account' },
      contentType: { id: 2, lookupName: 'text/html' },
      channel: null,
      createdTime: '2026-12-06T19:00:07Z',
      displayOrder: 2,
    });
    const snapshot = await control.incident(incident.id);
    expect(snapshot.status).toEqual({ id: 3, lookupName: 'Waiting' });
    expect(snapshot.statusType).toEqual({ id: 3, lookupName: 'Waiting' });
    expect(snapshot.updatedTime).toBe('2026-12-06T19:00:07Z');
  });

  it('sets a status by lookupName and answers the new statusWithType', async () => {
    const incident = await newIncident(await newContact());
    const reply = await controlCall<{ statusWithType: StatusWithType }>(
      `/incidents/${incident.id}/status`,
      { lookupName: 'Updated' },
    );
    expect(reply.status).toBe(200);
    expect(reply.body.statusWithType).toEqual({
      status: { id: 8, lookupName: 'Updated' },
      statusType: { id: 1, lookupName: 'Unresolved' },
    });
    await control.setStatus(incident.id, 'Solved');
    expect((await control.incident(incident.id)).status.lookupName).toBe('Solved');
  });

  it('answers 404 for an unknown incident and 400 for a bad body, changing nothing', async () => {
    const incident = await newIncident(await newContact());
    expect((await controlCall('/incidents/999/responses', { text: 'x' })).status).toBe(404);
    expect((await controlCall('/incidents/0/responses', { text: 'x' })).status).toBe(404);
    expect((await controlCall('/incidents/999/status', { lookupName: 'Solved' })).status).toBe(404);
    for (const body of [{}, { text: '' }, { text: 'x', contentType: 'text/rtf' }, 'nope', [1]]) {
      const reply = await controlCall<{ error: string }>(
        `/incidents/${incident.id}/responses`,
        body,
      );
      expect(reply.status).toBe(400);
      expect(reply.body.error).toEqual(expect.any(String));
    }
    expect(
      (await controlCall(`/incidents/${incident.id}/status`, { lookupName: 'Lost' })).status,
    ).toBe(400);
    await expect(control.setStatus(incident.id, 'Lost')).rejects.toThrow(/400/);
    expect(await control.threads(incident.id)).toHaveLength(1);
    expect((await control.incident(incident.id)).status.lookupName).toBe('Unresolved');
  });
});
