/**
 * A database file written by the emulator before statuses and channels existed must still open:
 * its incidents become Unresolved, its threads have no channel, and everything new works on it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import { EmulatorControl } from './emulator-control';
import { startEmulator } from './emulator';

/** The schema of the first release, as that code created it. */
const FIRST_RELEASE_SCHEMA = `
CREATE TABLE contacts (id INTEGER PRIMARY KEY AUTOINCREMENT, first_name TEXT, last_name TEXT,
  created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL);
CREATE TABLE contact_phones (contact_id INTEGER NOT NULL REFERENCES contacts(id),
  phone_type_id INTEGER NOT NULL, number TEXT NOT NULL, PRIMARY KEY (contact_id, phone_type_id));
CREATE TABLE contact_emails (contact_id INTEGER NOT NULL REFERENCES contacts(id),
  address_type_id INTEGER NOT NULL, address TEXT NOT NULL, PRIMARY KEY (contact_id, address_type_id));
CREATE TABLE incidents (id INTEGER PRIMARY KEY AUTOINCREMENT, reference_number TEXT NOT NULL UNIQUE,
  subject TEXT NOT NULL, primary_contact_id INTEGER NOT NULL REFERENCES contacts(id),
  created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL);
CREATE TABLE incident_threads (id INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL REFERENCES incidents(id), display_order INTEGER NOT NULL,
  text TEXT NOT NULL, entry_type_id INTEGER NOT NULL, content_type_id INTEGER NOT NULL,
  created_ms INTEGER NOT NULL);
CREATE TABLE reference_counters (day TEXT PRIMARY KEY, last INTEGER NOT NULL);
`;

const USERNAME = 'gateway';
const PASSWORD = 'upgrade';
const MS = Date.parse('2026-01-02T03:04:05Z');

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'b2c-emulator-schema-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeFirstReleaseFile(dbFile: string): void {
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.exec(FIRST_RELEASE_SCHEMA);
  db.prepare('INSERT INTO contacts VALUES (1, ?, ?, ?, ?)').run('Old', 'Timer', MS, MS);
  db.prepare('INSERT INTO incidents VALUES (1, ?, ?, 1, ?, ?)').run('260102-000001', 'Old', MS, MS);
  db.prepare('INSERT INTO incident_threads VALUES (1, 1, 1, ?, 1, 1, ?)').run('old note', MS);
  db.prepare('INSERT INTO reference_counters VALUES (?, 1)').run('260102');
  db.close();
}

describe('opening a database file of the first release', () => {
  it('upgrades it in place, keeps its data and serves the new fields', async () => {
    const dbFile = join(dir, 'old.sqlite');
    writeFirstReleaseFile(dbFile);

    const first = await startEmulator({ dbFile, username: USERNAME, password: PASSWORD });
    try {
      const control = new EmulatorControl(first.url, USERNAME, PASSWORD);
      expect(await control.incident(1)).toMatchObject({
        subject: 'Old',
        referenceNumber: '260102-000001',
        status: { id: 1, lookupName: 'Unresolved' },
        statusType: { id: 1, lookupName: 'Unresolved' },
        createdTime: '2026-01-02T03:04:05Z',
      });
      expect(await control.threads(1)).toEqual([
        expect.objectContaining({ id: 1, text: 'old note', channel: null }),
      ]);
      expect(await control.addResponse(1, 'new response')).toBe(2);
    } finally {
      await first.close();
    }

    // The second open finds the columns already there and must not add them again.
    const second = await startEmulator({ dbFile, username: USERNAME, password: PASSWORD });
    try {
      const control = new EmulatorControl(second.url, USERNAME, PASSWORD);
      expect((await control.incident(1)).status).toEqual({ id: 3, lookupName: 'Waiting' });
      const threads = await control.threads(1);
      expect(threads.map((thread) => [thread.id, thread.entryType.lookupName])).toEqual([
        [1, 'Note'],
        [2, 'Staff Account'],
      ]);
    } finally {
      await second.close();
    }

    const db = new Database(dbFile, { readonly: true });
    const columns = db.prepare('PRAGMA table_info(incidents)').all() as { name: string }[];
    expect(columns.map((column) => column.name)).toContain('status_id');
    db.close();
  });
});
