/**
 * The emulator's SQLite schema, and the upgrade that lets a database file written by an older
 * emulator open with this one: `CREATE TABLE IF NOT EXISTS` adds missing tables, and columns added
 * since the first release are added with ALTER TABLE when absent (SQLite has no
 * `ADD COLUMN IF NOT EXISTS`). Every added column has a default, so old rows stay valid: an old
 * incident becomes Unresolved (status 1) and an old thread has no channel.
 */
import type Database from 'better-sqlite3';

const TABLES = `
CREATE TABLE IF NOT EXISTS contacts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  first_name TEXT,
  last_name TEXT,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS contact_phones (
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  phone_type_id INTEGER NOT NULL,
  number TEXT NOT NULL,
  PRIMARY KEY (contact_id, phone_type_id)
);
CREATE INDEX IF NOT EXISTS contact_phones_number ON contact_phones(number);
CREATE TABLE IF NOT EXISTS contact_emails (
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  address_type_id INTEGER NOT NULL,
  address TEXT NOT NULL,
  PRIMARY KEY (contact_id, address_type_id)
);
CREATE TABLE IF NOT EXISTS incidents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  reference_number TEXT NOT NULL UNIQUE,
  subject TEXT NOT NULL,
  primary_contact_id INTEGER NOT NULL REFERENCES contacts(id),
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS incidents_contact ON incidents(primary_contact_id, created_ms);
CREATE TABLE IF NOT EXISTS incident_threads (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  display_order INTEGER NOT NULL,
  text TEXT NOT NULL,
  entry_type_id INTEGER NOT NULL,
  content_type_id INTEGER NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS incident_threads_incident ON incident_threads(incident_id, display_order);
CREATE TABLE IF NOT EXISTS reference_counters (
  day TEXT PRIMARY KEY,
  last INTEGER NOT NULL
);
`;

/** Columns added after the first release: table, column, definition (with its default). */
const ADDED_COLUMNS: readonly (readonly [string, string, string])[] = [
  ['incidents', 'status_id', 'INTEGER NOT NULL DEFAULT 1'],
  ['incident_threads', 'channel_id', 'INTEGER'],
];

/**
 * Creates what is missing, old files included; safe to run on every open. IMMEDIATE takes the
 * write lock before looking, so two processes opening one old file cannot both add a column.
 */
export function applySchema(db: Database.Database): void {
  const upgrade = db.transaction(() => {
    db.exec(TABLES);
    for (const [table, column, definition] of ADDED_COLUMNS) {
      const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
      if (!columns.some((existing) => existing.name === column)) {
        db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
      }
    }
  });
  upgrade.immediate();
}
