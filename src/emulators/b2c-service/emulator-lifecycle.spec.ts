import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import { EmulatorControl } from './emulator-control';
import { createEmulatorApp, startEmulator } from './emulator';

const USERNAME = 'gateway';
const PASSWORD = 'secret';
const HEADERS = {
  authorization: `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`,
  'osvc-crest-application-context': 'lifecycle spec',
  'content-type': 'application/json',
};

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'b2c-emulator-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function post(url: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/services/rest/connect/v1.4${path}`, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Record<string, unknown>;
}

describe('persistence', () => {
  it('keeps data in a WAL-mode SQLite file across close and reopen', async () => {
    const dbFile = join(dir, 'emulator.sqlite');
    const first = await startEmulator({ dbFile, username: USERNAME, password: PASSWORD });
    const contact = await post(first.url, '/contacts', {
      name: { first: 'Ada', last: 'Lovelace' },
      phones: [{ number: '+14155552671', phoneType: { lookupName: 'Mobile Phone' } }],
    });
    const incident = await post(first.url, '/incidents', {
      subject: 'Persisted',
      primaryContact: { id: contact.id },
      threads: [{ text: 'Note text', entryType: { lookupName: 'Note' } }],
    });
    await first.close();
    await first.close(); // closing twice is harmless

    const db = new Database(dbFile, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();

    const second = await startEmulator({ dbFile, username: USERNAME, password: PASSWORD });
    try {
      const control = new EmulatorControl(second.url, USERNAME, PASSWORD);
      expect(await control.contacts()).toEqual([
        expect.objectContaining({
          id: contact.id,
          lookupName: 'Ada Lovelace',
          phones: [expect.objectContaining({ number: '+14155552671' })],
        }),
      ]);
      expect(await control.incidents()).toEqual([
        expect.objectContaining({
          id: incident.id,
          subject: 'Persisted',
          primaryContactId: contact.id,
        }),
      ]);
      expect((await control.threads(incident.id as number)).map((t) => t.text)).toEqual([
        'Note text',
      ]);

      // Ids and the day's reference-number sequence continue where they stopped.
      const next = await post(second.url, '/incidents', {
        subject: 'After restart',
        primaryContact: { id: contact.id },
      });
      expect(next.id).toBe((incident.id as number) + 1);
      expect(next.referenceNumber).toBe(`${String(incident.referenceNumber).slice(0, 6)}-000002`);
    } finally {
      await second.close();
    }
  });
});

describe('createEmulatorApp', () => {
  it('serves in process without listening', async () => {
    const app = createEmulatorApp({ dbFile: ':memory:', username: USERNAME, password: PASSWORD });
    try {
      const created = await app.inject({
        method: 'POST',
        url: '/services/rest/connect/latest/contacts',
        headers: HEADERS,
        payload: JSON.stringify({ name: { first: 'In', last: 'Process' } }),
      });
      expect(created.statusCode).toBe(201);
      expect(created.headers.location).toBe(
        'http://localhost:80/services/rest/connect/latest/contacts/1',
      );
      const health = await app.inject({ method: 'GET', url: '/_emulator/health' });
      expect(health.json()).toEqual({ status: 'ok' });
    } finally {
      await app.close();
    }
  });
});

describe('main.ts', () => {
  function waitForExit(child: ChildProcess): Promise<number | null> {
    return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'starts from the environment, hides the password and closes on %s',
    async (signal) => {
      const dbFile = join(dir, 'nested', 'emulator.sqlite');
      const child = spawn(
        process.execPath,
        [require.resolve('ts-node/dist/bin.js'), '--transpile-only', join(__dirname, 'main.ts')],
        {
          env: {
            ...process.env,
            EMULATOR_PORT: '0',
            EMULATOR_DB: dbFile,
            EMULATOR_USERNAME: 'demo-user',
            EMULATOR_PASSWORD: 'hunter2-do-not-print',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const exited = waitForExit(child);
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      try {
        const url = await new Promise<string>((resolve, reject) => {
          const timer = setInterval(() => {
            const match = /listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(output);
            if (match) {
              clearInterval(timer);
              resolve(match[1]);
            }
          }, 50);
          void exited.then(() => {
            clearInterval(timer);
            reject(new Error(`main.ts exited early: ${output}`));
          });
        });
        expect(output).toContain("Basic user 'demo-user'");
        expect(output).not.toContain('hunter2-do-not-print');
        expect(existsSync(dbFile)).toBe(true);
        const health = await fetch(`${url}/_emulator/health`);
        expect(health.status).toBe(200);

        child.kill(signal);
        expect(await exited).toBe(0);
        expect(output).toContain(`${signal} received`);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
    30_000,
  );
});
