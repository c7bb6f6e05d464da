import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { QueryResultRow } from 'pg';
import { StoreUnavailableError } from '../../../common/problem/gateway-error';
import type { PostgresDatabase } from '../../../storage/postgres/postgres-database';
import { conversationParty, type InboundMessage } from '../../../messages/inbound-message';
import {
  type AcceptResult,
  type BlockedSender,
  type ClaimedMessage,
  type DeadLetterSelection,
  type DeliveryCheckpoint,
  type InboxCounts,
  type InboxStore,
  type Lease,
  LeaseLostError,
  type LoggedMessage,
  type MessageFilter,
  type MessagePosition,
  type MessageState,
  type ReplayClaim,
  type StoredMessage,
} from '../../inbox-store.port';
import {
  type AttemptRecord,
  attemptValues,
  HISTORY_PER_MESSAGE,
  type HistoryEntry,
  type HistoryRow,
  toHistoryEntry,
} from '../../attempt-history';
import {
  type BlockedSenderRow,
  blockedSendersStatement,
  toBlockedSender,
} from '../blocked-senders.sql';
import { GroupCommitter } from '../group-commit';
import { WakeListeners } from '../wake-listeners';
import { commitBatch, type InboxWrite, type WriteResult } from './postgres-inbox.commit';
import {
  keyText,
  type LeasedRow,
  type LoggedRow,
  type MessageRow,
  toClaimedMessage,
  toLoggedMessage,
  toStoredMessage,
  unavailable,
} from './postgres-inbox.rows';
import { numberedBinds, requeueMatchingStatement, searchStatement } from '../message-log.sql';
import * as sql from './postgres-inbox.sql';
import * as history from './postgres-attempt-history.sql';

export interface PostgresInboxOptions {
  groupCommitMaxBatch: number;
  groupCommitWindowMs: number;
  now?: () => number;
}

/** A write of a group that was committed alone after the group failed on its data. */
type Committed = WriteResult | { failed: unknown };

/** Candidates read per claimed slot: room for senders that appear more than once. */
const SCAN_PER_SLOT = 4;
const SCAN_EXTRA = 16;

/**
 * The shared inbox: every gateway process on one PostgreSQL database. Accepts are group-committed
 * as in the SQLite driver; deliveries are leased per message and per sender (see
 * postgres-inbox.sql.ts for the invariant the statements keep). The database is the caller's:
 * `close` flushes this store's writes and stops its listeners, and leaves the pool open.
 */
export class PostgresInboxStore implements InboxStore {
  private readonly logger = new Logger('PostgresInbox');
  private readonly committer: GroupCommitter<InboxWrite, Committed>;
  private readonly wakes = new WakeListeners();
  /** Sent with this store's notifications, so it does not wake itself a second time. */
  private readonly instanceId = randomUUID();
  private readonly stopListening: () => void;
  private readonly now: () => number;
  private closed = false;

  constructor(
    private readonly db: PostgresDatabase,
    options: PostgresInboxOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.committer = new GroupCommitter<InboxWrite, Committed>({
      maxBatch: options.groupCommitMaxBatch,
      windowMs: options.groupCommitWindowMs,
      commit: (writes) => this.commit(writes),
      closedError: () => new StoreUnavailableError('the inbox is closed'),
    });
    // '' comes from the database itself after a lost listening connection: look, in case.
    this.stopListening = db.listen(sql.WAKE_CHANNEL, (payload) => {
      if (payload !== this.instanceId) this.wake();
    });
  }

  /** Commits and writes so far, for the benchmark and metrics. */
  get commitStats(): { commits: number; writes: number } {
    return { ...this.committer.stats };
  }

  async accept(messages: readonly InboundMessage[], replay?: ReplayClaim): Promise<AcceptResult> {
    const rows = messages.map((message) => ({
      vendor: message.vendor,
      messageId: message.messageId,
      sender: conversationParty(message),
      payload: JSON.stringify(message),
    }));
    const now = this.now();
    const result = await this.submit('commit accepted messages', {
      op: 'accept',
      rows,
      replay,
      now,
    });
    if (result === 'replayed') return { outcomes: [], replayed: true };
    return { outcomes: result ?? [] };
  }

  async claim(owner: string, limit: number, leaseMs: number): Promise<ClaimedMessage[]> {
    if (limit <= 0) return [];
    const now = this.now();
    const rows = await this.run('claim messages', () =>
      this.db.transaction(async (client) => {
        const candidates = await client.query<{ seq: string; sender: string }>(
          sql.CLAIM_CANDIDATES,
          [now, limit * SCAN_PER_SLOT + SCAN_EXTRA],
        );
        const chosen = oldestPerSender(candidates.rows, limit);
        if (chosen.length === 0) return [];
        const leased = await client.query<LeasedRow>(sql.TAKE_LEASES, [
          chosen.map((row) => row.sender),
          chosen.map((row) => row.seq),
          owner,
          now + leaseMs,
          now,
        ]);
        return leased.rows;
      }),
    );
    return rows
      .map(toClaimedMessage)
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.seq - b.seq);
  }

  async renew(lease: Lease, leaseMs: number): Promise<Lease> {
    const expiresAt = this.now() + leaseMs;
    await this.fenced('renew a lease', lease, sql.RENEW, [expiresAt]);
    return { ...lease, expiresAt };
  }

  async release(lease: Lease, attempt?: AttemptRecord): Promise<void> {
    const text = attempt ? history.RELEASE_RECORDING : sql.RELEASE;
    const values = [lease.seq, lease.token, ...recorded(attempt)];
    await this.run('release a lease', () => this.db.query(text, values));
  }

  async nextDueAt(): Promise<number | undefined> {
    const { rows } = await this.read<{ at: string | null }>(
      'read the next due time',
      sql.NEXT_DUE,
      [],
    );
    const at = rows[0]?.at;
    return at === null || at === undefined ? undefined : Number(at);
  }

  async saveCheckpoint(lease: Lease, checkpoint: DeliveryCheckpoint): Promise<void> {
    await this.fenced('save a checkpoint', lease, sql.SAVE_CHECKPOINT, [
      JSON.stringify(checkpoint),
      this.now(),
      checkpoint.incidentId ?? null,
    ]);
  }

  async markDelivered(
    lease: Lease,
    state: 'delivered' | 'skipped',
    checkpoint: DeliveryCheckpoint,
    attempt?: AttemptRecord,
  ): Promise<void> {
    const text = attempt ? history.MARK_DELIVERED_RECORDING : sql.MARK_DELIVERED;
    await this.fenced('mark a message delivered', lease, text, [
      state,
      JSON.stringify(checkpoint),
      this.now(),
      checkpoint.incidentId ?? null,
      ...recorded(attempt),
    ]);
  }

  async scheduleRetry(
    lease: Lease,
    attempts: number,
    at: number,
    error: unknown,
    attempt?: AttemptRecord,
  ): Promise<void> {
    const text = attempt ? history.SCHEDULE_RETRY_RECORDING : sql.SCHEDULE_RETRY;
    await this.fenced('schedule a retry', lease, text, [
      attempts,
      at,
      JSON.stringify(error),
      this.now(),
      ...recorded(attempt),
    ]);
  }

  async deadLetter(
    lease: Lease,
    attempts: number,
    error: unknown,
    attempt?: AttemptRecord,
  ): Promise<void> {
    const text = attempt ? history.DEAD_LETTER_RECORDING : sql.DEAD_LETTER;
    await this.fenced('dead-letter a message', lease, text, [
      attempts,
      JSON.stringify(error),
      this.now(),
      ...recorded(attempt),
    ]);
  }

  onWake(listener: () => void): () => void {
    return this.wakes.add(listener);
  }

  async get(vendor: string, messageId: string): Promise<StoredMessage | undefined> {
    const { rows } = await this.read<MessageRow>('read a message', sql.GET, [
      keyText(vendor),
      keyText(messageId),
    ]);
    return rows[0] ? toStoredMessage(rows[0]) : undefined;
  }

  async list(state: MessageState, limit: number, afterSeq = 0): Promise<StoredMessage[]> {
    const { rows } = await this.read<MessageRow>('list messages', sql.LIST, [
      state,
      afterSeq,
      limit,
    ]);
    return rows.map(toStoredMessage);
  }

  async search(
    filter: MessageFilter,
    limit: number,
    after?: MessagePosition,
  ): Promise<LoggedMessage[]> {
    const { bind, values } = numberedBinds();
    const text = searchStatement(
      sql.LOGGED_COLUMNS,
      keyFilter(filter),
      limit,
      after,
      this.now(),
      bind,
    );
    const { rows } = await this.read<LoggedRow>('search messages', text, values);
    return rows.map(toLoggedMessage);
  }

  async find(seq: number): Promise<LoggedMessage | undefined> {
    const { rows } = await this.read<LoggedRow>('read a message', sql.FIND, [seq]);
    return rows[0] ? toLoggedMessage(rows[0]) : undefined;
  }

  async history(seq: number, limit = HISTORY_PER_MESSAGE): Promise<HistoryEntry[]> {
    const { rows } = await this.read<HistoryRow>('read an attempt history', history.HISTORY, [
      seq,
      limit,
    ]);
    return rows.map(toHistoryEntry);
  }

  async requeueDead(which: DeadLetterSelection, replayedBy?: string): Promise<number> {
    const now = this.now();
    const statement = requeueStatement(which, now);
    if (!statement) return 0;
    const [text, values] = statement;
    const requeued = await this.run('requeue dead letters', () =>
      this.db.transaction(async (client) => {
        let count: number;
        if (replayedBy === undefined) {
          count = (await client.query(text, values)).rowCount ?? 0;
        } else {
          // Each requeued message's history records who replayed it, in this transaction.
          const { rows } = await client.query<{ n: number }>(
            history.recordingReplay(text, values.length),
            [...values, replayedBy, now, HISTORY_PER_MESSAGE],
          );
          count = rows[0]?.n ?? 0;
        }
        if (count) await client.query(sql.NOTIFY, [sql.WAKE_CHANNEL, this.instanceId]);
        return count;
      }),
    );
    if (requeued > 0) this.wake();
    return requeued;
  }

  async counts(): Promise<InboxCounts> {
    const { rows } = await this.read<{ state: MessageState; n: number }>('count', sql.COUNTS, []);
    const counts: InboxCounts = { pending: 0, delivered: 0, skipped: 0, dead: 0 };
    for (const row of rows) counts[row.state] = row.n;
    return counts;
  }

  async count(state: MessageState): Promise<number> {
    const { rows } = await this.read<{ n: number }>('count', sql.COUNT, [state]);
    return rows[0]?.n ?? 0;
  }

  async blockedSenders(limit: number): Promise<BlockedSender[]> {
    const { rows } = await this.read<BlockedSenderRow>(
      'list blocked senders',
      blockedSendersStatement('$1', 'postgres'),
      [limit],
    );
    return rows.map(toBlockedSender);
  }

  async probeWrite(): Promise<void> {
    await this.submit('commit', { op: 'probe', now: this.now() });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopListening();
    await this.committer.close();
  }

  /**
   * One group in one transaction. When the group fails on its data (a value PostgreSQL refuses),
   * each write is committed alone, so that only the webhook that carried it is refused.
   */
  private async commit(writes: InboxWrite[]): Promise<Committed[]> {
    try {
      return await this.commitTogether(writes);
    } catch (error) {
      if (writes.length === 1 || !isDataError(error)) throw error;
      const results: Committed[] = [];
      for (const write of writes) {
        results.push(
          await this.commitTogether([write]).then(
            ([result]) => result,
            (failed: unknown) => ({ failed }),
          ),
        );
      }
      return results;
    }
  }

  private async commitTogether(writes: InboxWrite[]): Promise<WriteResult[]> {
    const batch = await commitBatch(this.db, writes, this.instanceId);
    if (batch.stored > 0) this.wake();
    return batch.results;
  }

  private async submit(what: string, write: InboxWrite): Promise<WriteResult> {
    let committed: Committed;
    try {
      committed = await this.committer.submit(write);
    } catch (error) {
      throw unavailable(what, error);
    }
    if (committed !== null && typeof committed === 'object' && 'failed' in committed) {
      throw unavailable(what, committed.failed);
    }
    return committed;
  }

  /** A fenced write: one statement that returns a row when the lease was still held. */
  private async fenced(what: string, lease: Lease, text: string, values: unknown[]) {
    const { rowCount } = await this.run(what, () =>
      this.db.query(text, [lease.seq, lease.token, ...values]),
    );
    if (!rowCount) throw new LeaseLostError(lease.seq);
  }

  private read<R extends QueryResultRow>(what: string, text: string, values: unknown[]) {
    return this.run(what, () => this.db.query<R>(text, values));
  }

  private async run<T>(what: string, work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreUnavailableError('the inbox is closed');
    try {
      return await work();
    } catch (error) {
      throw unavailable(what, error);
    }
  }

  /** Runs inside the commit path: a listener that throws must not fail a committed group. */
  private wake(): void {
    if (this.closed) return;
    try {
      this.wakes.wake();
    } catch (error) {
      this.logger.warn(`a wake-up listener failed: ${(error as Error).message}`);
    }
  }
}

/** An attempt's entry, as the *_RECORDING statements take it after their own values. */
function recorded(attempt: AttemptRecord | undefined): unknown[] {
  return attempt ? [...attemptValues(attempt), HISTORY_PER_MESSAGE] : [];
}

/** The statement that requeues `which`, or undefined when it can requeue nothing. */
function requeueStatement(
  which: DeadLetterSelection,
  now: number,
): [string, unknown[]] | undefined {
  if ('seq' in which) return [sql.REQUEUE_ONE, [now, which.seq]];
  if ('seqs' in which) return [sql.REQUEUE_SEQS, [now, which.seqs]];
  if ('filter' in which) {
    const { bind, values } = numberedBinds();
    const text = requeueMatchingStatement(keyFilter(which.filter), now, bind);
    return text ? [text, values] : undefined;
  }
  return which.vendor !== undefined
    ? [sql.REQUEUE_VENDOR, [now, which.vendor]]
    : [sql.REQUEUE_ALL, [now]];
}

/** Text filters as keys are stored (see keyText), so a U+0000 finds what it was stored as. */
function keyFilter(filter: MessageFilter): MessageFilter {
  return {
    ...filter,
    ...(filter.vendor === undefined ? {} : { vendor: keyText(filter.vendor) }),
    ...(filter.sender === undefined ? {} : { sender: keyText(filter.sender) }),
    ...(filter.messageId === undefined ? {} : { messageId: keyText(filter.messageId) }),
  };
}

/** The first (oldest due) candidate of each sender, up to `limit` senders, in due order. */
function oldestPerSender<C extends { sender: string }>(candidates: C[], limit: number): C[] {
  const seen = new Set<string>();
  const chosen: C[] = [];
  for (const candidate of candidates) {
    if (chosen.length >= limit) break;
    if (seen.has(candidate.sender)) continue;
    seen.add(candidate.sender);
    chosen.push(candidate);
  }
  return chosen;
}

/** Data exceptions, integrity violations and program limits: the values, not the database. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^(22|23|54)/.test(code);
}
