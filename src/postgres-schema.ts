import { Global, Module } from '@nestjs/common';
import { ALERT_TABLES } from './alerts/drivers/alert.tables';
import { CONVERSATION_TABLES } from './conversations/drivers/conversation-tables';
import { DELIVERY_CONTROL_TABLES } from './delivery/control/drivers/delivery-control.tables';
import { ATTEMPT_HISTORY_TABLES_POSTGRES } from './inbox/drivers/attempt-history.tables';
import { MESSAGE_LOG_INDEXES } from './inbox/drivers/message-log.indexes';
import { POSTGRES_SCHEMA, type SchemaMigration } from './storage/schema-migration';

/**
 * The PostgreSQL schema, one migration per change; never edit one that has shipped, add the
 * next. Times are epoch milliseconds (BIGINT), as in the SQLite driver, so both drivers share
 * their row mapping; payloads are JSON text, parsed where they are used.
 */
export const POSTGRES_MIGRATIONS: readonly SchemaMigration[] = [
  {
    version: 1,
    name: 'inbox, leases, replay keys, B2C flow control, refusal log',
    sql: `
CREATE TABLE inbox_messages (
  seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  vendor           TEXT    NOT NULL,
  message_id       TEXT    NOT NULL,
  sender           TEXT    NOT NULL,
  payload          TEXT    NOT NULL,
  state            TEXT    NOT NULL DEFAULT 'pending'
                           CHECK (state IN ('pending', 'delivered', 'skipped', 'dead')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  BIGINT  NOT NULL,
  checkpoint       TEXT    NOT NULL DEFAULT '{}',
  last_error       TEXT,
  received_at      BIGINT  NOT NULL,
  updated_at       BIGINT  NOT NULL,
  lease_owner      TEXT,
  lease_token      BIGINT  NOT NULL DEFAULT 0,
  lease_expires_at BIGINT,
  UNIQUE (vendor, message_id)
);
CREATE INDEX inbox_messages_due ON inbox_messages (next_attempt_at, seq) WHERE state = 'pending';
CREATE INDEX inbox_messages_state ON inbox_messages (state, seq);
-- One row per sender with a message under delivery: the primary key is what keeps a sender's
-- messages one at a time across processes.
CREATE TABLE sender_leases (
  sender     TEXT   PRIMARY KEY,
  seq        BIGINT NOT NULL,
  token      BIGINT NOT NULL,
  owner      TEXT   NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE TABLE replay_keys (key TEXT PRIMARY KEY, expires_at BIGINT NOT NULL);
CREATE INDEX replay_keys_expiry ON replay_keys (expires_at);
CREATE TABLE inbox_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at BIGINT NOT NULL);
-- The B2C rate limit's schedule and B2C's pause, shared by every process. Written on every B2C
-- call, so UNLOGGED (no WAL flush per call); after a crash or a failover it is empty, and the
-- flow control's upserts recreate its row: a lost schedule or pause only costs a 503 from B2C.
CREATE UNLOGGED TABLE b2c_flow_control (
  name         TEXT PRIMARY KEY,
  next_slot_at DOUBLE PRECISION NOT NULL DEFAULT 0,
  paused_until BIGINT NOT NULL DEFAULT 0
);
INSERT INTO b2c_flow_control (name) VALUES ('b2c');
-- Refusals by reference id, so any instance can explain a refusal another one made.
CREATE TABLE refusals (
  reference_id TEXT   PRIMARY KEY,
  line         JSONB  NOT NULL,
  expires_at   BIGINT NOT NULL
);
CREATE INDEX refusals_expiry ON refusals (expires_at);
`,
  },
  {
    version: 2,
    name: 'SMS conversations: incidents per customer and number, opt-outs, sent replies',
    sql: CONVERSATION_TABLES,
  },
  {
    version: 3,
    name: 'message log: duplicates, incident ids, search indexes',
    sql: `
ALTER TABLE inbox_messages ADD COLUMN duplicates INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbox_messages ADD COLUMN incident_id BIGINT;
UPDATE inbox_messages SET incident_id = (checkpoint::jsonb ->> 'incidentId')::bigint
  WHERE checkpoint LIKE '%"incidentId"%'
    AND jsonb_typeof(checkpoint::jsonb -> 'incidentId') = 'number';
${MESSAGE_LOG_INDEXES}`,
  },
  {
    version: 4,
    name: 'attempt history: every delivery attempt and its B2C calls, bounded per message',
    sql: ATTEMPT_HISTORY_TABLES_POSTGRES,
  },
  {
    version: 5,
    name: 'delivery control: the admin pause, shared by every process',
    sql: DELIVERY_CONTROL_TABLES,
  },
  {
    version: 6,
    name: 'alerts: each condition raised once, and who sends them',
    sql: ALERT_TABLES,
  },
];

/**
 * Hands the schema to the storage module. The list lives here, in the composition root, because
 * it names every store's tables: storage itself imports no store (.dependency-cruiser.cjs).
 */
@Global()
@Module({
  providers: [{ provide: POSTGRES_SCHEMA, useValue: POSTGRES_MIGRATIONS }],
  exports: [POSTGRES_SCHEMA],
})
export class PostgresSchemaModule {}
