/**
 * Writes pending messages straight into an inbox file, as fast as SQLite takes them, so that a
 * benchmark can start the gateway on a large backlog without sending it a million webhooks.
 * The rows are what the gateway itself stores: the schema is the gateway's, and each payload is
 * a message parsed by the real Twilio adapter, varied only in id, sender and text.
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { SQLITE_INBOX_MIGRATIONS } from '../../src/inbox/drivers/sqlite/sqlite-inbox.migrations';
import { migrateSqlite } from '../../src/storage/sqlite/sqlite-migrator';
import type { InboundMessage } from '../../src/messages/inbound-message';
import { encodeTwilioForm } from '../../src/vendors/twilio/fixtures';
import { parseTwilioPayload } from '../../src/vendors/twilio/twilio-payload';
import { nextSms, senderNumber } from './twilio-load';

export interface FillResult {
  messages: number;
  seconds: number;
  /** Size of the inbox file afterwards, MB. */
  fileMB: number;
}

const BATCH = 50_000;

export function fillInbox(file: string, count: number, idPrefix: string): FillResult {
  const started = Date.now();
  const sms = nextSms();
  const [template] = parseTwilioPayload({
    rawBody: Buffer.from(encodeTwilioForm(sms)),
    contentType: 'application/x-www-form-urlencoded',
    receivedAt: new Date(),
  });
  const raw = template.raw as Record<string, unknown>;
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // A benchmark fixture: if the machine dies, it is made again.
    db.pragma('synchronous = OFF');
    migrateSqlite(db, SQLITE_INBOX_MIGRATIONS);
    const insert = db.prepare(
      `INSERT INTO inbox_messages
         (vendor, message_id, sender, payload, next_attempt_at, received_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertBatch = db.transaction((from: number, to: number) => {
      const now = Date.now();
      for (let i = from; i < to; i += 1) {
        const messageId = `SM${idPrefix}${i.toString(16).padStart(24, '0')}`;
        const sender = senderNumber(i);
        const text = `Backlog message ${i}: my order has not arrived`;
        const message: InboundMessage = {
          ...template,
          messageId,
          from: sender,
          text,
          raw: { ...raw, MessageSid: messageId, From: sender, Body: text },
        };
        insert.run(template.vendor, messageId, sender, JSON.stringify(message), now, now, now);
      }
    });
    for (let from = 0; from < count; from += BATCH) {
      insertBatch(from, Math.min(count, from + BATCH));
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return {
    messages: count,
    seconds: (Date.now() - started) / 1000,
    fileMB: statSync(file).size / 1e6,
  };
}
