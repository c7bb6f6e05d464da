/**
 * The conversation tables, the same for both drivers: times are epoch ms (BIGINT in
 * PostgreSQL, INTEGER in SQLite), so both share their row mapping.
 */
export const CONVERSATION_TABLES = `
CREATE TABLE conversations (
  customer         TEXT    NOT NULL,
  our_number       TEXT    NOT NULL,
  vendor           TEXT    NOT NULL,
  incident_id      BIGINT  NOT NULL,
  started_at       BIGINT  NOT NULL,
  last_activity_at BIGINT  NOT NULL,
  PRIMARY KEY (customer, our_number)
);
CREATE INDEX conversations_activity ON conversations (last_activity_at);
CREATE TABLE opt_outs (
  customer   TEXT    PRIMARY KEY,
  opted_out  BOOLEAN NOT NULL,
  changed_at BIGINT  NOT NULL
);
CREATE TABLE sent_replies (
  vendor            TEXT   NOT NULL,
  vendor_message_id TEXT   NOT NULL,
  incident_id       BIGINT NOT NULL,
  customer          TEXT   NOT NULL,
  status            TEXT   NOT NULL,
  error_code        TEXT,
  updated_at        BIGINT NOT NULL,
  PRIMARY KEY (vendor, vendor_message_id)
);
CREATE TABLE reply_poll (
  name        TEXT   PRIMARY KEY,
  owner       TEXT,
  lease_until BIGINT NOT NULL DEFAULT 0,
  cursor_at   BIGINT
);
INSERT INTO reply_poll (name) VALUES ('b2c');
`;

export interface ConversationRow {
  customer: string;
  our_number: string;
  vendor: string;
  incident_id: string | number;
  started_at: string | number;
  last_activity_at: string | number;
}

export interface SentReplyRow {
  vendor: string;
  vendor_message_id: string;
  incident_id: string | number;
  customer: string;
  status: string;
  error_code: string | null;
  updated_at: string | number;
}

export function toConversation(row: ConversationRow) {
  return {
    customer: row.customer,
    ourNumber: row.our_number,
    vendor: row.vendor,
    incidentId: Number(row.incident_id),
    startedAt: Number(row.started_at),
    lastActivityAt: Number(row.last_activity_at),
  };
}

export function toSentReply(row: SentReplyRow) {
  return {
    vendor: row.vendor,
    vendorMessageId: row.vendor_message_id,
    incidentId: Number(row.incident_id),
    customer: row.customer,
    status: row.status,
    ...(row.error_code !== null ? { errorCode: row.error_code } : {}),
    updatedAt: Number(row.updated_at),
  };
}

/** Upserts shared by both drivers: the parameter style is `$n` in both (SQLite accepts it). */
export const RECORD_CONVERSATION = `
INSERT INTO conversations AS c (customer, our_number, vendor, incident_id, started_at, last_activity_at)
VALUES ($1, $2, $3, $4, $5, $5)
ON CONFLICT (customer, our_number) DO UPDATE SET
  vendor = excluded.vendor,
  started_at = CASE WHEN c.incident_id = excluded.incident_id THEN c.started_at ELSE excluded.started_at END,
  last_activity_at = CASE WHEN c.incident_id = excluded.incident_id
    THEN MAX_FN(c.last_activity_at, excluded.last_activity_at) ELSE excluded.last_activity_at END,
  incident_id = excluded.incident_id`;

export const SET_OPT_OUT = `
INSERT INTO opt_outs AS o (customer, opted_out, changed_at) VALUES ($1, $2, $3)
ON CONFLICT (customer) DO UPDATE SET opted_out = excluded.opted_out, changed_at = excluded.changed_at
WHERE o.changed_at <= excluded.changed_at`;

export const RECORD_SENT = `
INSERT INTO sent_replies (vendor, vendor_message_id, incident_id, customer, status, updated_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (vendor, vendor_message_id) DO NOTHING`;

export const UPDATE_SENT = `
UPDATE sent_replies SET status = $3, error_code = $4, updated_at = $5
WHERE vendor = $1 AND vendor_message_id = $2
RETURNING *`;

export const CLAIM_POLL = `
UPDATE reply_poll SET owner = $1, lease_until = $2
WHERE name = 'b2c' AND (owner = $1 OR owner IS NULL OR lease_until < $3)
RETURNING cursor_at`;

export const SAVE_POLL_CURSOR = `UPDATE reply_poll SET cursor_at = $2 WHERE name = 'b2c' AND owner = $1`;

export const RELEASE_POLL = `UPDATE reply_poll SET owner = NULL, lease_until = 0 WHERE name = 'b2c' AND owner = $1`;

export const SELECT_ACTIVE = `
SELECT * FROM conversations WHERE last_activity_at >= $1 ORDER BY last_activity_at DESC LIMIT $2`;
