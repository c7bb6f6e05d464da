/**
 * The message log's indexes, made by migration 3 of both drivers (the SQL reads alike in SQLite
 * and PostgreSQL). The log reads newest first by (received_at, seq): each filter has an index
 * ending in those columns, so a page of any one filter, with or without a time range, is a range
 * read rather than a sort. Message and incident ids match a few rows, which are then sorted; the
 * lease index holds only the messages under delivery. Part of a shipped migration: never edit,
 * add a new migration instead.
 */
export const MESSAGE_LOG_INDEXES = `
CREATE INDEX inbox_messages_received ON inbox_messages (received_at, seq);
CREATE INDEX inbox_messages_vendor_received ON inbox_messages (vendor, received_at, seq);
CREATE INDEX inbox_messages_state_received ON inbox_messages (state, received_at, seq);
CREATE INDEX inbox_messages_sender_received ON inbox_messages (sender, received_at, seq);
CREATE INDEX inbox_messages_message_id ON inbox_messages (message_id);
CREATE INDEX inbox_messages_incident ON inbox_messages (incident_id) WHERE incident_id IS NOT NULL;
CREATE INDEX inbox_messages_leased ON inbox_messages (received_at, seq)
  WHERE lease_expires_at IS NOT NULL;
`;
