import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { StoreUnavailableError } from '../../../common/problem/gateway-error';
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
import { type BlockedSenderRow, toBlockedSender } from '../blocked-senders.sql';
import {
  type AttemptRecord,
  HISTORY_PER_MESSAGE,
  type HistoryEntry,
  type HistoryRow,
  toHistoryEntry,
} from '../../attempt-history';
import { WakeListeners } from '../wake-listeners';
import { GroupCommitter } from '../group-commit';
import { InboxLockedError } from './sqlite-inbox.engine';
import type {
  InboxQuery,
  InboxWrite,
  MessageRow,
  ThreadError,
  ThreadOptions,
  ThreadReply,
  ThreadRequest,
} from './sqlite-inbox.protocol';

export { InboxLockedError } from './sqlite-inbox.engine';

export interface SqliteInboxOptions {
  file: string;
  groupCommitMaxBatch: number;
  groupCommitWindowMs: number;
  now?: () => number;
}

type Pending = { resolve: (result: unknown) => void; reject: (error: Error) => void };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The embedded inbox: SQLite on a thread of its own (see SqliteInboxEngine), fed by a group
 * committer on the event loop. `accept` resolves only after the commit that holds its messages.
 */
export class SqliteInboxStore implements InboxStore {
  private readonly pending = new Map<number, Pending>();
  private readonly committer: GroupCommitter<InboxWrite, unknown>;
  private nextId = 1;
  private failure: Error | undefined;
  private readonly wakes = new WakeListeners();

  private constructor(
    private readonly worker: Worker,
    options: SqliteInboxOptions,
    private readonly now: () => number = options.now ?? Date.now,
  ) {
    this.committer = new GroupCommitter<InboxWrite, unknown>({
      maxBatch: options.groupCommitMaxBatch,
      windowMs: options.groupCommitWindowMs,
      commit: async (writes) =>
        (await this.call({ kind: 'commit', writes }, 'commit')) as unknown[],
      closedError: () => new StoreUnavailableError('the inbox is closed'),
    });
    worker.on('message', (reply: ThreadReply) => this.settle(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the inbox thread exited (${code})`)));
  }

  /** Opens the database on its thread; rejects (e.g. InboxLockedError) when it cannot. */
  static async open(options: SqliteInboxOptions): Promise<SqliteInboxStore> {
    const worker = startThread({ file: options.file });
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (reply: ThreadReply) => {
        worker.off('error', reject);
        if ('ready' in reply && reply.ready) return resolve();
        const error = 'error' in reply ? reply.error : { name: 'Error', message: 'no reply' };
        void worker.terminate();
        reject(
          error.name === 'InboxLockedError' ? new InboxLockedError(error.message) : toError(error),
        );
      });
    });
    return new SqliteInboxStore(worker, options);
  }

  /** Commits and fsyncs so far, for the benchmark and metrics. */
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
    const outcomes = await this.committer.submit({ op: 'insert', rows, replay, now: this.now() });
    if (outcomes === 'replayed') return { outcomes: [], replayed: true };
    const result = { outcomes: outcomes as AcceptResult['outcomes'] };
    if (result.outcomes.includes('stored')) this.wakes.wake();
    return result;
  }

  async claim(owner: string, limit: number, leaseMs: number): Promise<ClaimedMessage[]> {
    if (limit <= 0) return [];
    const rows = (await this.write({ op: 'claim', owner, limit, leaseMs })) as MessageRow[];
    return rows.map((row) => ({ ...toStoredMessage(row), lease: toLease(row) }));
  }

  async renew(lease: Lease, leaseMs: number): Promise<Lease> {
    const expiresAt = this.now() + leaseMs;
    await this.fenced({ op: 'renew', lease, expiresAt }, lease);
    return { ...lease, expiresAt };
  }

  async release(lease: Lease, attempt?: AttemptRecord): Promise<void> {
    await this.write({ op: 'release', lease: { seq: lease.seq, token: lease.token }, attempt });
  }

  onWake(listener: () => void): () => void {
    return this.wakes.add(listener);
  }

  async nextDueAt(): Promise<number | undefined> {
    return (await this.query({ op: 'nextDue' })) as number | undefined;
  }

  async saveCheckpoint(lease: Lease, checkpoint: DeliveryCheckpoint): Promise<void> {
    await this.fenced(
      {
        op: 'checkpoint',
        lease,
        checkpoint: JSON.stringify(checkpoint),
        incidentId: checkpoint.incidentId ?? null,
      },
      lease,
    );
  }

  async markDelivered(
    lease: Lease,
    state: 'delivered' | 'skipped',
    checkpoint: DeliveryCheckpoint,
    attempt?: AttemptRecord,
  ): Promise<void> {
    await this.fenced(
      {
        op: 'finish',
        lease,
        state,
        checkpoint: JSON.stringify(checkpoint),
        incidentId: checkpoint.incidentId ?? null,
        attempt,
      },
      lease,
    );
  }

  async scheduleRetry(
    lease: Lease,
    attempts: number,
    at: number,
    error: unknown,
    attempt?: AttemptRecord,
  ): Promise<void> {
    await this.fenced(
      { op: 'retry', lease, attempts, at, error: JSON.stringify(error), attempt },
      lease,
    );
  }

  async deadLetter(
    lease: Lease,
    attempts: number,
    error: unknown,
    attempt?: AttemptRecord,
  ): Promise<void> {
    await this.fenced(
      { op: 'dead', lease, attempts, error: JSON.stringify(error), attempt },
      lease,
    );
  }

  async get(vendor: string, messageId: string): Promise<StoredMessage | undefined> {
    const row = (await this.query({ op: 'get', vendor, messageId })) as MessageRow | undefined;
    return row ? toStoredMessage(row) : undefined;
  }

  async list(state: MessageState, limit: number, afterSeq = 0): Promise<StoredMessage[]> {
    const rows = (await this.query({ op: 'list', state, limit, afterSeq })) as MessageRow[];
    return rows.map(toStoredMessage);
  }

  async search(
    filter: MessageFilter,
    limit: number,
    after?: MessagePosition,
  ): Promise<LoggedMessage[]> {
    const rows = (await this.query({
      op: 'search',
      filter,
      limit,
      after,
      now: this.now(),
    })) as MessageRow[];
    return rows.map(toLoggedMessage);
  }

  async find(seq: number): Promise<LoggedMessage | undefined> {
    const row = (await this.query({ op: 'find', seq })) as MessageRow | undefined;
    return row ? toLoggedMessage(row) : undefined;
  }

  async history(seq: number, limit = HISTORY_PER_MESSAGE): Promise<HistoryEntry[]> {
    const rows = (await this.query({ op: 'history', seq, limit })) as HistoryRow[];
    return rows.map(toHistoryEntry);
  }

  async requeueDead(which: DeadLetterSelection, replayedBy?: string): Promise<number> {
    const requeued = (await this.write(requeueWrite(which, replayedBy))) as number;
    if (requeued > 0) this.wakes.wake();
    return requeued;
  }

  async counts(): Promise<InboxCounts> {
    return (await this.query({ op: 'counts' })) as InboxCounts;
  }

  async count(state: MessageState): Promise<number> {
    return (await this.query({ op: 'count', state })) as number;
  }

  async blockedSenders(limit: number): Promise<BlockedSender[]> {
    const rows = (await this.query({ op: 'blockedSenders', limit })) as BlockedSenderRow[];
    return rows.map(toBlockedSender);
  }

  async probeWrite(): Promise<void> {
    await this.write({ op: 'probe' });
  }

  /**
   * Runs a PRAGMA on the inbox connection, for maintenance and diagnostics (e.g.
   * `wal_checkpoint(TRUNCATE)`, `integrity_check`, or `max_page_count` to cap its size).
   */
  pragma(pragma: string): Promise<unknown> {
    return this.query({ op: 'pragma', pragma });
  }

  async close(): Promise<void> {
    await this.committer.close();
    if (this.failure) return;
    await this.call({ kind: 'close' }, 'close').catch(() => undefined);
    await this.worker.terminate();
  }

  private write(write: DistributiveOmit<InboxWrite, 'now'>): Promise<unknown> {
    return this.committer.submit({ ...write, now: this.now() });
  }

  /** A delivery write that changed no row was refused by its fence: the lease is gone. */
  private async fenced(write: DistributiveOmit<InboxWrite, 'now'>, lease: Lease): Promise<void> {
    if ((await this.write(write)) === 0) throw new LeaseLostError(lease.seq);
  }

  private query(query: InboxQuery): Promise<unknown> {
    return this.call({ kind: 'query', query }, query.op);
  }

  private call(request: DistributiveOmit<ThreadRequest, 'id'>, what: string): Promise<unknown> {
    if (this.failure) return Promise.reject(unavailable(what, this.failure));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject: (error) => reject(unavailable(what, error)) });
      this.worker.postMessage({ ...request, id });
    });
  }

  private settle(reply: ThreadReply): void {
    if (!('ok' in reply)) return;
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (reply.ok) pending.resolve(reply.result);
    else pending.reject(toError(reply.error));
  }

  /** The thread is gone: everything waiting fails, and so does everything after. */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

/**
 * Built code runs the compiled thread file; tests and ts-node run the TypeScript source, which
 * a fresh thread can only load through ts-node's require hook (a devDependency).
 */
function startThread(options: ThreadOptions): Worker {
  const compiled = __filename.endsWith('.js');
  const file = join(__dirname, `sqlite-inbox.thread.${compiled ? 'js' : 'ts'}`);
  return new Worker(file, {
    workerData: options,
    execArgv: compiled ? [] : ['--require', 'ts-node/register/transpile-only'],
  });
}

function toError(error: ThreadError): Error {
  return Object.assign(new Error(error.message), { name: error.name, code: error.code });
}

/** SQLite's code and message name the condition (SQLITE_FULL, SQLITE_READONLY, ...). */
function unavailable(what: string, error: Error): StoreUnavailableError {
  const code = (error as { code?: string }).code;
  return new StoreUnavailableError(
    `the inbox could not ${what}: ${code ? `${code}: ` : ''}${error.message}`,
  );
}

function toLease(row: MessageRow): Lease {
  return {
    seq: row.seq,
    sender: row.sender,
    owner: row.lease_owner as string,
    token: row.lease_token,
    expiresAt: row.lease_expires_at as number,
  };
}

function requeueWrite(
  which: DeadLetterSelection,
  replayedBy: string | undefined,
): DistributiveOmit<InboxWrite, 'now'> {
  if ('seq' in which) return { op: 'requeue', seq: which.seq, replayedBy };
  if ('seqs' in which) return { op: 'requeueSeqs', seqs: which.seqs, replayedBy };
  if ('filter' in which) return { op: 'requeueMatching', filter: which.filter, replayedBy };
  return { op: 'requeue', vendor: which.vendor, replayedBy };
}

function toLoggedMessage(row: MessageRow): LoggedMessage {
  return {
    ...toStoredMessage(row),
    sender: row.sender,
    duplicates: row.duplicates,
    ...(row.incident_id === null ? {} : { incidentId: row.incident_id }),
    ...(row.lease_expires_at === null ? {} : { leaseExpiresAt: row.lease_expires_at }),
  };
}

function toStoredMessage(row: MessageRow): StoredMessage {
  return {
    seq: row.seq,
    message: JSON.parse(row.payload) as InboundMessage,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    checkpoint: JSON.parse(row.checkpoint) as DeliveryCheckpoint,
    lastError: row.last_error === null ? undefined : (JSON.parse(row.last_error) as unknown),
    receivedAt: row.received_at,
    updatedAt: row.updated_at,
  };
}
