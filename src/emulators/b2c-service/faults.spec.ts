import { EmulatorControl } from './emulator-control';
import { RunningEmulator, startEmulator } from './emulator';
import { FaultRegistry, FaultSpecError, parseFaultSpec } from './faults';

const USERNAME = 'gateway';
const PASSWORD = 'secret';
const HEADERS = {
  authorization: `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`,
  'osvc-crest-application-context': 'faults spec',
};

let emulator: RunningEmulator;
let control: EmulatorControl;

function restUrl(path: string): string {
  return `${emulator.url}/services/rest/connect/v1.4${path}`;
}

function getContacts(): Promise<Response> {
  return fetch(restUrl('/contacts'), { headers: HEADERS });
}

function postContact(first: string, signal?: AbortSignal): Promise<Response> {
  return fetch(restUrl('/contacts'), {
    method: 'POST',
    headers: { ...HEADERS, 'content-type': 'application/json' },
    body: JSON.stringify({ name: { first, last: 'Fault' } }),
    signal,
  });
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  emulator = await startEmulator({ dbFile: ':memory:', username: USERNAME, password: PASSWORD });
  control = new EmulatorControl(emulator.url, USERNAME, PASSWORD);
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(async () => {
  await control.reset();
});

describe('injected faults over HTTP', () => {
  it('throttles N times with 503 OSC-CREST-00035 and osvc-crest-next-request-after, then recovers', async () => {
    const id = await control.addFault({
      method: 'post',
      pathPattern: '^/contacts$',
      status: 503,
      errorCode: 'OSC-CREST-00035',
      times: 2,
    });
    expect(id).toEqual(expect.any(String));

    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const response = await postContact('Throttled');
      expect(response.status).toBe(503);
      expect(response.headers.get('osvc-crest-next-request-after')).toBe('1000');
      expect(await response.json()).toEqual({
        type: expect.stringMatching(/\/exceptions\/OSC-CREST-00035$/),
        title: expect.any(String),
        status: 503,
        detail: expect.any(String),
        instance: restUrl('/contacts'),
        'o:errorCode': 'OSC-CREST-00035',
      });
    }
    // Other methods and paths were never affected.
    expect((await getContacts()).status).toBe(200);

    const recovered = await postContact('Recovered');
    expect(recovered.status).toBe(201);
    expect((await control.contacts()).map((c) => c.name.first)).toEqual(['Recovered']);
    expect(await control.faults()).toEqual([]);

    const statuses = (await control.requests()).map((r) => `${r.method} ${r.status}`);
    expect(statuses).toEqual(['POST 503', 'POST 503', 'GET 200', 'POST 201']);
  });

  it('keeps a next-request-after header given explicitly, and other custom headers', async () => {
    await control.addFault({
      status: 503,
      errorCode: 'OSC-CREST-00035',
      headers: { 'osvc-crest-next-request-after': '25', 'x-extra': 'yes' },
      detail: 'Busy',
      title: 'Throttled',
      times: 1,
    });
    const response = await getContacts();
    expect(response.status).toBe(503);
    expect(response.headers.get('osvc-crest-next-request-after')).toBe('25');
    expect(response.headers.get('x-extra')).toBe('yes');
    expect(await response.json()).toMatchObject({ title: 'Throttled', detail: 'Busy' });
  });

  it('answers other statuses in Oracle shape without processing the request', async () => {
    await control.addFault({ pathPattern: '^/contacts$', status: 500, times: 1 });
    const response = await postContact('Lost');
    expect(response.status).toBe(500);
    expect(((await response.json()) as Record<string, unknown>)['o:errorCode']).toBe(
      'OSC-CREST-00008',
    );
    expect(await control.contacts()).toEqual([]);
  });

  it('applies a status fault for forMs, with the remaining time as next-request-after', async () => {
    await control.addFault({ status: 503, forMs: 300 });
    const during = await getContacts();
    expect(during.status).toBe(503);
    const wait = Number(during.headers.get('osvc-crest-next-request-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(300);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await getContacts()).status).toBe(200);
  });

  it('delays requests by latencyMs, then processes them normally', async () => {
    await control.addFault({ pathPattern: '^/contacts$', latencyMs: 300, times: 1 });
    const started = Date.now();
    const response = await postContact('Slow');
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(response.status).toBe(201);
    const fast = Date.now();
    expect((await postContact('Fast')).status).toBe(201);
    expect(Date.now() - fast).toBeLessThan(250);
  });

  it('still processes a delayed request after its client has gone away', async () => {
    await control.addFault({ method: 'POST', latencyMs: 300 });
    const abort = new AbortController();
    const pending = postContact('Abandoned', abort.signal);
    setTimeout(() => abort.abort(), 50);
    await expect(pending).rejects.toThrow();
    await waitFor(async () => (await control.contacts()).length === 1);
    expect((await control.contacts())[0].name.first).toBe('Abandoned');
    await waitFor(async () => (await control.requests())[0]?.status === 201);
  });

  it('uses the first matching status fault and leaves later ones unused', async () => {
    const first = await control.addFault({ status: 502, times: 1 });
    const second = await control.addFault({ status: 504, times: 1 });
    expect((await getContacts()).status).toBe(502);
    expect((await control.faults()).map((f) => f.id)).toEqual([second]);
    expect((await getContacts()).status).toBe(504);
    expect((await getContacts()).status).toBe(200);
    expect(first).not.toBe(second);
  });

  it('clears faults on DELETE /_emulator/faults', async () => {
    await control.addFault({ status: 503 });
    expect((await getContacts()).status).toBe(503);
    await control.clearFaults();
    expect((await getContacts()).status).toBe(200);
  });

  it('refuses an invalid fault with 400', async () => {
    for (const body of [
      '{"status": 200}',
      '{"pathPattern": "(", "status": 503}',
      '{"times": 2}',
      '{"status": 503, "tims": 2}',
      '{"latencyMs": -1}',
      'not json',
    ]) {
      const response = await fetch(`${emulator.url}/_emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: expect.any(String) });
    }
  });
});

describe('FaultRegistry', () => {
  it('matches method and path, adds latencies and uses up times', () => {
    const registry = new FaultRegistry(() => 1000);
    registry.add({ latencyMs: 10 });
    registry.add({
      method: 'GET',
      pathPattern: '^/incidents',
      latencyMs: 5,
      status: 503,
      times: 1,
    });
    expect(registry.decide('POST', '/incidents')).toEqual({
      latencyMs: 10,
      appliedFaultIds: ['fault-1'],
    });
    expect(registry.decide('GET', '/incidents/1')).toEqual({
      latencyMs: 15,
      appliedFaultIds: ['fault-1', 'fault-2'],
      answer: {
        status: 503,
        errorCode: 'OSC-CREST-00035',
        detail: expect.any(String),
        title: undefined,
        headers: { 'osvc-crest-next-request-after': '1000' },
      },
    });
    expect(registry.decide('GET', '/incidents/1').answer).toBeUndefined();
    expect(registry.list().map((fault) => fault.id)).toEqual(['fault-1']);
  });

  it('drops a fault when its forMs has passed', () => {
    let now = 0;
    const registry = new FaultRegistry(() => now);
    registry.add({ status: 503, forMs: 100 });
    now = 40;
    expect(registry.decide('GET', '/contacts').answer?.headers).toEqual({
      'osvc-crest-next-request-after': '60',
    });
    now = 100;
    expect(registry.decide('GET', '/contacts').answer).toBeUndefined();
    expect(registry.list()).toEqual([]);
  });

  it('validates fault specifications', () => {
    expect(parseFaultSpec({ method: 'post', status: 503, headers: { 'X-A': 'b' } })).toEqual({
      method: 'POST',
      status: 503,
      headers: { 'x-a': 'b' },
    });
    expect(() => parseFaultSpec({ status: 503, headers: { 'bad name': 'x' } })).toThrow(
      FaultSpecError,
    );
    expect(() => parseFaultSpec({ status: 503, headers: { a: 'x\r\ny: z' } })).toThrow(
      FaultSpecError,
    );
    expect(() => parseFaultSpec({ status: 503, times: 0 })).toThrow(FaultSpecError);
    expect(() => parseFaultSpec({ status: 503.5 })).toThrow(FaultSpecError);
    expect(() => parseFaultSpec([])).toThrow(FaultSpecError);
  });
});
