/**
 * Attempt history tables (PostgreSQL migration 4, SQLite inbox migration 4): one row per delivery
 * attempt or replay of a message, written in the transaction of the outcome it records, and at
 * most HISTORY_PER_MESSAGE rows per message (each write deletes what falls off). `id` orders a
 * message's entries; the index on (seq, id) serves both the read and the trim. `calls` is a JSON
 * array of the attempt's HTTP calls (method, path, status, error code; never a body or a query).
 * `actor` is the admin who replayed (kind `replay`); `attempt` is null for a replay.
 */
export const ATTEMPT_HISTORY_TABLES_POSTGRES = `
CREATE TABLE delivery_attempts (
  id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  seq           BIGINT  NOT NULL,
  kind          TEXT    NOT NULL CHECK (kind IN ('attempt', 'replay')),
  attempt       INTEGER,
  started_at    BIGINT  NOT NULL,
  duration_ms   INTEGER NOT NULL DEFAULT 0,
  outcome       TEXT    NOT NULL
                CHECK (outcome IN ('delivered', 'skipped', 'retry', 'dead', 'released', 'replayed')),
  error         TEXT,
  actor         TEXT,
  calls         TEXT    NOT NULL DEFAULT '[]',
  calls_omitted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX delivery_attempts_seq ON delivery_attempts (seq, id);
`;

export const ATTEMPT_HISTORY_TABLES_SQLITE = `
CREATE TABLE delivery_attempts (
  id            INTEGER PRIMARY KEY,
  seq           INTEGER NOT NULL,
  kind          TEXT    NOT NULL CHECK (kind IN ('attempt', 'replay')),
  attempt       INTEGER,
  started_at    INTEGER NOT NULL,
  duration_ms   INTEGER NOT NULL DEFAULT 0,
  outcome       TEXT    NOT NULL
                CHECK (outcome IN ('delivered', 'skipped', 'retry', 'dead', 'released', 'replayed')),
  error         TEXT,
  actor         TEXT,
  calls         TEXT    NOT NULL DEFAULT '[]',
  calls_omitted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX delivery_attempts_seq ON delivery_attempts (seq, id);
`;
