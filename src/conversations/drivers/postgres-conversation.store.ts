import type { PostgresDatabase } from '../../storage/postgres/postgres-database';
import type {
  Conversation,
  ConversationKey,
  ConversationStore,
  SentReply,
} from '../conversation-store.port';
import {
  CLAIM_POLL,
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

/** `storage.driver: postgres`: every process reads and writes the same rows. */
export class PostgresConversationStore implements ConversationStore {
  constructor(private readonly database: PostgresDatabase) {}

  async find(key: ConversationKey): Promise<Conversation | undefined> {
    const { rows } = await this.database.query<ConversationRow>(
      'SELECT * FROM conversations WHERE customer = $1 AND our_number = $2',
      [key.customer, key.ourNumber],
    );
    return rows[0] ? toConversation(rows[0]) : undefined;
  }

  async record(
    conversation: ConversationKey & { vendor: string; incidentId: number; at: number },
  ): Promise<void> {
    await this.database.query(RECORD_CONVERSATION.replace('MAX_FN', 'GREATEST'), [
      conversation.customer,
      conversation.ourNumber,
      conversation.vendor,
      conversation.incidentId,
      conversation.at,
    ]);
  }

  async active(since: number, limit: number): Promise<Conversation[]> {
    const { rows } = await this.database.query<ConversationRow>(SELECT_ACTIVE, [since, limit]);
    return rows.map(toConversation);
  }

  async setOptOut(customer: string, optedOut: boolean, at: number): Promise<void> {
    await this.database.query(SET_OPT_OUT, [customer, optedOut, at]);
  }

  async isOptedOut(customer: string): Promise<boolean> {
    const { rows } = await this.database.query<{ opted_out: boolean }>(
      'SELECT opted_out FROM opt_outs WHERE customer = $1',
      [customer],
    );
    return rows[0]?.opted_out === true;
  }

  async recordSent(sent: Omit<SentReply, 'updatedAt' | 'errorCode'> & { at: number }) {
    await this.database.query(RECORD_SENT, [
      sent.vendor,
      sent.vendorMessageId,
      sent.incidentId,
      sent.customer,
      sent.status,
      sent.at,
    ]);
  }

  async updateSentStatus(
    vendor: string,
    vendorMessageId: string,
    receipt: { status: string; errorCode?: string; at: number },
  ): Promise<SentReply | undefined> {
    const { rows } = await this.database.query<SentReplyRow>(UPDATE_SENT, [
      vendor,
      vendorMessageId,
      receipt.status,
      receipt.errorCode ?? null,
      receipt.at,
    ]);
    return rows[0] ? toSentReply(rows[0]) : undefined;
  }

  async getSent(vendor: string, vendorMessageId: string): Promise<SentReply | undefined> {
    const { rows } = await this.database.query<SentReplyRow>(
      'SELECT * FROM sent_replies WHERE vendor = $1 AND vendor_message_id = $2',
      [vendor, vendorMessageId],
    );
    return rows[0] ? toSentReply(rows[0]) : undefined;
  }

  async claimPoll(owner: string, leaseMs: number, now: number) {
    const { rows } = await this.database.query<{ cursor_at: string | null }>(CLAIM_POLL, [
      owner,
      now + leaseMs,
      now,
    ]);
    if (!rows[0]) return undefined;
    return rows[0].cursor_at === null ? {} : { cursor: Number(rows[0].cursor_at) };
  }

  async savePollCursor(owner: string, cursor: number): Promise<boolean> {
    const result = await this.database.query(SAVE_POLL_CURSOR, [owner, cursor]);
    return (result.rowCount ?? 0) > 0;
  }

  async releasePoll(owner: string): Promise<void> {
    await this.database.query(RELEASE_POLL, [owner]);
  }

  /** The database belongs to the storage module, which closes it. */
  async close(): Promise<void> {}
}
