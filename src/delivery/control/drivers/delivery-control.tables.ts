import { BLOCKED_SENDERS_INDEXES } from '../../../inbox/drivers/blocked-senders.sql';

/**
 * The admin's delivery pause: one row, read by every process on the store. The same text serves
 * SQLite (its own file, `delivery-control.sqlite`) and PostgreSQL; `paused` is 0 or 1 in both.
 * `changed_by`/`changed_at` are who paused (or resumed) and when, epoch ms.
 */
export const DELIVERY_CONTROL_TABLE = `
CREATE TABLE delivery_control (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  paused     INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
  changed_by TEXT,
  changed_at BIGINT,
  reason     TEXT
);
INSERT INTO delivery_control (id, paused) VALUES (1, 0);
`;

/**
 * PostgreSQL migration 5: the pause, and the indexes of the blocked-senders query (the SQLite
 * inbox gets those in its own migration 5).
 */
export const DELIVERY_CONTROL_TABLES = `${DELIVERY_CONTROL_TABLE}${BLOCKED_SENDERS_INDEXES}`;
