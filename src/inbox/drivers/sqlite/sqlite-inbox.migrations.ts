import type { SchemaMigration } from '../../../storage/schema-migration';
import { ATTEMPT_HISTORY_TABLES_SQLITE } from '../attempt-history.tables';
import { BLOCKED_SENDERS_INDEXES } from '../blocked-senders.sql';
import { MESSAGE_LOG_INDEXES } from '../message-log.indexes';

/**
 * The SQLite inbox's schema, one migration per change; never edit one that has shipped, add the
 * next. Version 1 is the schema of the gateway before migrations were recorded, kept with
 * "if not exists" so an inbox made by that version is adopted as it is.
 *
 * One row per accepted message. The payload stays on disk (not in the heap) until the worker
 * claims it, so a large backlog costs disk, not memory. Dead-lettered rows are never deleted.
 */
export const SQLITE_INBOX_MIGRATIONS: readonly SchemaMigration[] = [
  {
    version: 1,
    name: 'inbox, replay keys, probe',
    sql: `
CREATE TABLE IF NOT EXISTS inbox_messages (
  seq              INTEGER PRIMARY KEY,
  vendor           TEXT    NOT NULL,
  message_id       TEXT    NOT NULL,
  payload          TEXT    NOT NULL,
  state            TEXT    NOT NULL DEFAULT 'pending'
                           CHECK (state IN ('pending', 'delivered', 'skipped', 'dead')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  checkpoint       TEXT    NOT NULL DEFAULT '{}',
  last_error       TEXT,
  received_at      INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (vendor, message_id)
);
CREATE INDEX IF NOT EXISTS inbox_messages_due
  ON inbox_messages (next_attempt_at, seq) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS inbox_messages_state ON inbox_messages (state, seq);
CREATE TABLE IF NOT EXISTS replay_keys (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS replay_keys_expiry ON replay_keys (expires_at);
CREATE TABLE IF NOT EXISTS inbox_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL);
`,
  },
  {
    version: 2,
    name: 'sender column and delivery leases',
    sql: `
ALTER TABLE inbox_messages ADD COLUMN sender TEXT NOT NULL DEFAULT '';
UPDATE inbox_messages SET sender = COALESCE(json_extract(payload, '$.from'), '');
ALTER TABLE inbox_messages ADD COLUMN lease_owner TEXT;
ALTER TABLE inbox_messages ADD COLUMN lease_token INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbox_messages ADD COLUMN lease_expires_at INTEGER;
CREATE TABLE sender_leases (
  sender     TEXT    PRIMARY KEY,
  seq        INTEGER NOT NULL,
  token      INTEGER NOT NULL,
  owner      TEXT    NOT NULL,
  expires_at INTEGER NOT NULL
);
`,
  },
  {
    version: 3,
    name: 'message log: duplicates, incident ids, search indexes',
    sql: `
ALTER TABLE inbox_messages ADD COLUMN duplicates INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbox_messages ADD COLUMN incident_id INTEGER;
UPDATE inbox_messages SET incident_id = json_extract(checkpoint, '$.incidentId')
  WHERE json_type(checkpoint, '$.incidentId') = 'integer';
${MESSAGE_LOG_INDEXES}`,
  },
  {
    version: 4,
    name: 'attempt history: every delivery attempt and its B2C calls, bounded per message',
    sql: ATTEMPT_HISTORY_TABLES_SQLITE,
  },
  {
    version: 5,
    name: 'blocked senders: failing pending messages, pending messages by sender',
    sql: BLOCKED_SENDERS_INDEXES,
  },
];
