import { SqliteInboxStore } from '../../src/inbox/drivers/sqlite/sqlite-inbox.store';
import type { InboxStore } from '../../src/inbox/inbox-store.port';

/**
 * Runs `during` while the inbox's SQLite connection refuses writes (`query_only`), which stands
 * for a full or failing disk, and lifts the fault afterwards. SQLite only by nature: a test using
 * it is skipped on PostgreSQL, where the same promises are tested with the database taken away
 * (test/postgres-outage.e2e-spec.ts). Any other store is refused, never cast.
 */
export async function whileDiskRefusesWrites<T>(
  store: InboxStore,
  during: () => Promise<T>,
): Promise<T> {
  if (!(store instanceof SqliteInboxStore)) {
    throw new Error(
      `a disk fault needs the SQLite inbox, not ${store.constructor.name}: skip the test on other drivers`,
    );
  }
  await store.pragma('query_only = ON');
  try {
    return await during();
  } finally {
    await store.pragma('query_only = OFF');
  }
}
