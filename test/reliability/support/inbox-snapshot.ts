import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { DeliveryCheckpoint, MessageState } from '../../../src/inbox/inbox-store.port';
import { INBOX_FILE } from '../../../src/inbox/inbox.module';

export interface InboxRow {
  messageId: string;
  state: MessageState;
  attempts: number;
  checkpoint: DeliveryCheckpoint;
  lastError: string | null;
}

/**
 * The gateway's inbox as it is on disk, read after the gateway process has stopped (it holds the
 * file with an exclusive lock while it runs). Read-only: checking must not change what is checked.
 */
export function readInbox(dataDir: string): Map<string, InboxRow> {
  const db = new Database(join(dataDir, INBOX_FILE), { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT message_id, state, attempts, checkpoint, last_error FROM inbox_messages
         WHERE vendor = 'twilio'`,
      )
      .all() as {
      message_id: string;
      state: MessageState;
      attempts: number;
      checkpoint: string;
      last_error: string | null;
    }[];
    return new Map(
      rows.map((row) => [
        row.message_id,
        {
          messageId: row.message_id,
          state: row.state,
          attempts: row.attempts,
          checkpoint: JSON.parse(row.checkpoint) as DeliveryCheckpoint,
          lastError: row.last_error,
        },
      ]),
    );
  } finally {
    db.close();
  }
}
