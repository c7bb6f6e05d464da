import { Client } from 'pg';
import type { DeliveryCheckpoint, MessageState } from '../../../src/inbox/inbox-store.port';
import type { InboxRow } from './inbox-snapshot';

/** A row of the shared inbox, with the lease columns only the PostgreSQL driver has. */
export interface PostgresInboxRow extends InboxRow {
  vendor: string;
  sender: string;
  /** `<instance>-<pid>-<worker>` of the process holding the message, while one does. */
  leaseOwner: string | null;
  leaseToken: number;
  leaseExpiresAt: number | null;
  /** Epoch ms of the row's last write (for a delivered message: when it was marked so). */
  updatedAt: number;
}

interface Row {
  vendor: string;
  message_id: string;
  sender: string;
  state: MessageState;
  attempts: number;
  checkpoint: string;
  last_error: string | null;
  lease_owner: string | null;
  lease_token: string;
  lease_expires_at: string | null;
  updated_at: string;
}

/**
 * The gateways' shared inbox as it is in PostgreSQL, the counterpart of inbox-snapshot.ts (which
 * reads the SQLite file). Read-only and through a connection of its own, so it may be read while
 * the processes run: checking must not change what is checked. `url` is the schema's URL
 * (test/support/postgres.ts freshSchema), the one the gateways were given as DATABASE_URL.
 */
export async function readPostgresInbox(
  url: string,
  vendor: string | undefined = 'twilio',
): Promise<Map<string, PostgresInboxRow>> {
  const rows = await query<Row>(
    url,
    `SELECT vendor, message_id, sender, state, attempts, checkpoint, last_error, lease_owner,
            lease_token, lease_expires_at, updated_at
     FROM inbox_messages WHERE $1::text IS NULL OR vendor = $1 ORDER BY seq`,
    [vendor ?? null],
  );
  return new Map(
    rows.map((row) => [
      vendor === undefined ? `${row.vendor}/${row.message_id}` : row.message_id,
      {
        vendor: row.vendor,
        messageId: row.message_id,
        sender: row.sender,
        state: row.state,
        attempts: row.attempts,
        checkpoint: JSON.parse(row.checkpoint) as DeliveryCheckpoint,
        lastError: row.last_error,
        leaseOwner: row.lease_owner,
        leaseToken: Number(row.lease_token),
        leaseExpiresAt: row.lease_expires_at === null ? null : Number(row.lease_expires_at),
        updatedAt: Number(row.updated_at),
      },
    ]),
  );
}

/** Messages of any vendor still waiting for delivery (held by a process or not). */
export async function countPending(url: string): Promise<number> {
  const [row] = await query<{ n: number }>(
    url,
    `SELECT count(*)::int AS n FROM inbox_messages WHERE state = 'pending'`,
  );
  return row.n;
}

async function query<R>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SET default_transaction_read_only = on');
    const result = await client.query(text, values);
    return result.rows as R[];
  } finally {
    await client.end();
  }
}
