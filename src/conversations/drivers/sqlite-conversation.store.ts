import type Database from 'better-sqlite3';
import type { SchemaMigration } from '../../storage/schema-migration';
import {
  namedParams,
  namedPlaceholders,
  openSideStore,
} from '../../storage/sqlite/sqlite-side-store';
import type {
  Conversation,
  ConversationKey,
  ConversationStore,
  SentReply,
} from '../conversation-store.port';
import {
  CLAIM_POLL,
  CONVERSATION_TABLES,
  RECORD_CONVERSATION,
  RECORD_SENT,
  RELEASE_POLL,
  SAVE_POLL_CURSOR,
  SELECT_ACTIVE,
  SET_OPT_OUT,
  toConversation,
  toSentReply,
  UPDATE_SENT,
  type ConversationRow,
  type SentReplyRow,
} from './conversation-tables';

export const SQLITE_CONVERSATION_MIGRATIONS: readonly SchemaMigration[] = [
  {
    version: 1,
    name: 'conversations, opt-outs, sent replies, reply poll',
    sql: CONVERSATION_TABLES,
  },
];

/** The shared statements' MAX_FN → SQLite's scalar MAX (PostgreSQL's is GREATEST). */
function sqlite(statement: string): string {
  return namedPlaceholders(statement).replace('MAX_FN', 'MAX');
}

/**
 * `storage.driver: sqlite`: a file of its own beside the inbox, one process (as the inbox).
 * Synchronous calls on the event loop: a few small writes per delivered message, each one
 * fsync in WAL mode with synchronous=FULL, as the inbox's commits.
 */
export class SqliteConversationStore implements ConversationStore {
  private readonly db: Database.Database;
  private readonly statements: Record<string, Database.Statement>;

  constructor(file: string) {
    this.db = openSideStore(file, SQLITE_CONVERSATION_MIGRATIONS, 'the SQLite conversation store');
    const prepare = (statement: string) => this.db.prepare(sqlite(statement));
    this.statements = {
      find: prepare('SELECT * FROM conversations WHERE customer = $1 AND our_number = $2'),
      record: prepare(RECORD_CONVERSATION),
      active: prepare(SELECT_ACTIVE),
      setOptOut: prepare(SET_OPT_OUT),
      isOptedOut: prepare('SELECT opted_out FROM opt_outs WHERE customer = $1'),
      recordSent: prepare(RECORD_SENT),
      updateSent: prepare(UPDATE_SENT),
      getSent: prepare('SELECT * FROM sent_replies WHERE vendor = $1 AND vendor_message_id = $2'),
      claimPoll: prepare(CLAIM_POLL),
      savePollCursor: prepare(SAVE_POLL_CURSOR),
      releasePoll: prepare(RELEASE_POLL),
    };
  }

  find(key: ConversationKey): Promise<Conversation | undefined> {
    const row = this.statements.find.get(namedParams(key.customer, key.ourNumber)) as
      ConversationRow | undefined;
    return Promise.resolve(row ? toConversation(row) : undefined);
  }

  record(
    conversation: ConversationKey & { vendor: string; incidentId: number; at: number },
  ): Promise<void> {
    this.statements.record.run(
      namedParams(
        conversation.customer,
        conversation.ourNumber,
        conversation.vendor,
        conversation.incidentId,
        conversation.at,
      ),
    );
    return Promise.resolve();
  }

  active(since: number, limit: number): Promise<Conversation[]> {
    const rows = this.statements.active.all(namedParams(since, limit)) as ConversationRow[];
    return Promise.resolve(rows.map(toConversation));
  }

  setOptOut(customer: string, optedOut: boolean, at: number): Promise<void> {
    this.statements.setOptOut.run(namedParams(customer, optedOut ? 1 : 0, at));
    return Promise.resolve();
  }

  isOptedOut(customer: string): Promise<boolean> {
    const row = this.statements.isOptedOut.get(namedParams(customer)) as
      { opted_out: number } | undefined;
    return Promise.resolve(row?.opted_out === 1);
  }

  recordSent(sent: Omit<SentReply, 'updatedAt' | 'errorCode'> & { at: number }): Promise<void> {
    this.statements.recordSent.run(
      namedParams(
        sent.vendor,
        sent.vendorMessageId,
        sent.incidentId,
        sent.customer,
        sent.status,
        sent.at,
      ),
    );
    return Promise.resolve();
  }

  updateSentStatus(
    vendor: string,
    vendorMessageId: string,
    receipt: { status: string; errorCode?: string; at: number },
  ): Promise<SentReply | undefined> {
    const row = this.statements.updateSent.get(
      namedParams(vendor, vendorMessageId, receipt.status, receipt.errorCode ?? null, receipt.at),
    ) as SentReplyRow | undefined;
    return Promise.resolve(row ? toSentReply(row) : undefined);
  }

  getSent(vendor: string, vendorMessageId: string): Promise<SentReply | undefined> {
    const row = this.statements.getSent.get(namedParams(vendor, vendorMessageId)) as
      SentReplyRow | undefined;
    return Promise.resolve(row ? toSentReply(row) : undefined);
  }

  claimPoll(owner: string, leaseMs: number, now: number) {
    const row = this.statements.claimPoll.get(namedParams(owner, now + leaseMs, now)) as
      { cursor_at: number | null } | undefined;
    if (!row) return Promise.resolve(undefined);
    return Promise.resolve(row.cursor_at === null ? {} : { cursor: Number(row.cursor_at) });
  }

  savePollCursor(owner: string, cursor: number): Promise<boolean> {
    return Promise.resolve(
      this.statements.savePollCursor.run(namedParams(owner, cursor)).changes > 0,
    );
  }

  releasePoll(owner: string): Promise<void> {
    this.statements.releasePoll.run(namedParams(owner));
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}
