import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { InboxCounts, MessageState } from '../../inbox-store.port';
import { blockedSendersStatement } from '../blocked-senders.sql';
import { positionalBinds, requeueMatchingStatement, searchStatement } from '../message-log.sql';
import type { AttemptRecord } from '../../attempt-history';
import { SqliteAttemptHistory } from './sqlite-attempt-history';
import { SQLITE_INBOX_MIGRATIONS } from './sqlite-inbox.migrations';
import type { InboxQuery, InboxWrite, LeaseRef, MessageRow } from './sqlite-inbox.protocol';
import { migrateSqlite } from '../../../storage/sqlite/sqlite-migrator';

/** Due rows read past leased senders before a claim gives up on finding more. */
const CLAIM_SCAN_LIMIT = 10_000;
const CLAIM_PAGE = 256;

interface SenderLeaseRow {
  seq: number;
  token: number;
  expires_at: number;
}

/** Thrown at start-up when another process holds the inbox file. */
export class InboxLockedError extends Error {
  override name = 'InboxLockedError';
}

/**
 * The synchronous SQLite side of the inbox: WAL with synchronous=FULL, so a commit is on stable
 * storage when it returns, and exclusive locking, so one gateway process owns the file and a
 * second one fails at start instead of delivering the same messages twice. It runs on its own
 * thread (sqlite-inbox.thread.ts) so fsyncs never stall the event loop that answers vendors.
 */
export class SqliteInboxEngine {
  private readonly db: Database.Database;
  private readonly statements: Statements;
  private readonly history: SqliteAttemptHistory;
  /** Message-log statements by text: one per combination of filters, made when first asked. */
  private readonly logStatements = new Map<string, Database.Statement>();

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    try {
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      migrateSqlite(this.db, SQLITE_INBOX_MIGRATIONS);
      // The file is this process's alone: every lease in it was taken by a process that is gone,
      // so its messages resume at once instead of after the lease time.
      this.db.exec(
        `UPDATE inbox_messages SET lease_owner = NULL, lease_expires_at = NULL
         WHERE lease_expires_at IS NOT NULL;
         DELETE FROM sender_leases;`,
      );
    } catch (error) {
      this.db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') {
        throw new InboxLockedError(`${file} is in use by another gateway process`);
      }
      throw error;
    }
    this.statements = prepareStatements(this.db);
    this.history = new SqliteAttemptHistory(this.db);
  }

  /** Runs every write in one transaction; all commit or none do. */
  commit(writes: readonly InboxWrite[]): unknown[] {
    return this.db.transaction(() => writes.map((write) => this.write(write)))();
  }

  query(query: InboxQuery): unknown {
    const s = this.statements;
    switch (query.op) {
      case 'nextDue':
        return (s.nextDue.get() as { at: number | null }).at ?? undefined;
      case 'get':
        return s.get.get(query.vendor, query.messageId);
      case 'list':
        return s.list.all(query.state, query.afterSeq, query.limit);
      case 'search': {
        const { bind, values } = positionalBinds();
        const text = searchStatement('*', query.filter, query.limit, query.after, query.now, bind);
        return this.logStatement(text).all(...values);
      }
      case 'find':
        return s.find.get(query.seq);
      case 'history':
        return this.history.rows(query.seq, query.limit);
      case 'counts': {
        const counts: InboxCounts = { pending: 0, delivered: 0, skipped: 0, dead: 0 };
        for (const row of s.counts.all() as { state: MessageState; n: number }[]) {
          counts[row.state] = row.n;
        }
        return counts;
      }
      case 'count':
        return (s.count.get(query.state) as { n: number }).n;
      case 'blockedSenders':
        return this.logStatement(blockedSendersStatement('?', 'sqlite')).all(query.limit);
      case 'pragma':
        return this.db.pragma(query.pragma);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private write(write: InboxWrite): unknown {
    const s = this.statements;
    switch (write.op) {
      case 'insert':
        if (write.replay) {
          // A few expired keys go with every claim, so the table stays as small as the TTL allows.
          s.forgetReplays.run(write.now);
          if (
            s.claimReplay.run(write.replay.key, write.replay.expiresAt, write.now).changes === 0
          ) {
            return 'replayed';
          }
        }
        return write.rows.map((row) => {
          if (s.insert.run({ ...row, now: write.now }).changes === 1) return 'stored';
          // A vendor's re-send: counted in the same transaction as the rest of the webhook.
          s.countDuplicate.run(row.vendor, row.messageId);
          return 'duplicate';
        });
      case 'claim':
        return this.claim(write.owner, write.limit, write.now + write.leaseMs, write.now);
      case 'renew': {
        const renewed = s.renew.run(write.expiresAt, fence(write.lease)).changes;
        if (renewed === 1) s.renewSender.run(write.expiresAt, write.lease.seq, write.lease.token);
        return renewed;
      }
      case 'release':
        return this.endLease(write.lease, s.release.run(fence(write.lease)).changes, write.attempt);
      case 'checkpoint':
        return s.checkpoint.run(write.checkpoint, write.incidentId, write.now, fence(write.lease))
          .changes;
      case 'finish':
        return this.endLease(
          write.lease,
          s.finish.run(
            write.state,
            write.checkpoint,
            write.incidentId,
            write.now,
            fence(write.lease),
          ).changes,
          write.attempt,
        );
      case 'retry':
        return this.endLease(
          write.lease,
          s.retry.run(write.attempts, write.at, write.error, write.now, fence(write.lease)).changes,
          write.attempt,
        );
      case 'dead':
        return this.endLease(
          write.lease,
          s.dead.run(write.attempts, write.error, write.now, fence(write.lease)).changes,
          write.attempt,
        );
      case 'requeue':
        return this.requeued(
          s.requeue.all({ seq: write.seq ?? null, vendor: write.vendor ?? null, now: write.now }),
          write,
        );
      case 'requeueSeqs':
        return this.requeued(
          s.requeueSeqs.all({ seqs: JSON.stringify(write.seqs), now: write.now }),
          write,
        );
      case 'requeueMatching': {
        const { bind, values } = positionalBinds();
        const text = requeueMatchingStatement(write.filter, write.now, bind);
        if (!text) return 0;
        return this.requeued(this.logStatement(`${text} RETURNING seq`).all(...values), write);
      }
      case 'probe':
        return s.probe.run(write.now).changes;
    }
  }

  private logStatement(text: string): Database.Statement {
    let statement = this.logStatements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.logStatements.set(text, statement);
    }
    return statement;
  }

  /**
   * Due messages oldest first, one per sender, none of a sender whose earlier message is still
   * leased (by the lease in sender_leases, which outlives nothing but its expiry).
   */
  private claim(owner: string, limit: number, expiresAt: number, now: number): MessageRow[] {
    const s = this.statements;
    const claimed: MessageRow[] = [];
    const seen = new Set<string>();
    // Pages by (next_attempt_at, seq), since better-sqlite3 runs no statement while iterating.
    let after = { at: -Infinity, seq: 0 };
    for (let scanned = 0; claimed.length < limit && scanned < CLAIM_SCAN_LIMIT;) {
      const page = s.dueCandidates.all(now, after.at, after.at, after.seq, CLAIM_PAGE) as {
        seq: number;
        sender: string;
        next_attempt_at: number;
      }[];
      for (const row of page) {
        if (claimed.length >= limit) break;
        if (seen.has(row.sender)) continue;
        const held = s.senderLease.get(row.sender) as SenderLeaseRow | undefined;
        if (held && held.expires_at > now) {
          seen.add(row.sender);
          continue;
        }
        // An expired lease is taken over by claiming its own message again (a new token fences
        // the old holder), never by leasing the sender's next message beside it.
        if (held && held.seq !== row.seq && s.stillHeld.get(held.seq, held.token)) continue;
        seen.add(row.sender);
        const message = s.lease.get(owner, expiresAt, row.seq) as MessageRow;
        s.takeSender.run(row.sender, row.seq, message.lease_token, owner, expiresAt);
        claimed.push(message);
      }
      if (page.length < CLAIM_PAGE) break;
      const last = page[page.length - 1];
      after = { at: last.next_attempt_at, seq: last.seq };
      scanned += page.length;
    }
    return claimed;
  }

  /**
   * A write that ended a delivery also frees its sender, and records the attempt it ended;
   * `changes` 0: the lease was lost, and nothing is recorded.
   */
  private endLease(lease: LeaseRef, changes: number, attempt?: AttemptRecord): number {
    if (changes === 1) {
      this.statements.freeSender.run(lease.seq, lease.token);
      if (attempt) this.history.recordAttempt(lease.seq, attempt);
    }
    return changes;
  }

  /** How many a requeue took back, recording the replay on each when an admin asked for it. */
  private requeued(rows: unknown[], write: { replayedBy?: string; now: number }): number {
    if (write.replayedBy !== undefined) {
      const seqs = (rows as { seq: number }[]).map((row) => row.seq);
      this.history.recordReplays(seqs, write.replayedBy, write.now);
    }
    return rows.length;
  }
}

function fence(lease: LeaseRef): { seq: number; token: number } {
  return { seq: lease.seq, token: lease.token };
}

/** Fenced by the claim's token: a process whose lease ended changes nothing. */
const FENCE = `seq = @seq AND lease_token = @token AND state = 'pending'
  AND lease_expires_at IS NOT NULL`;

function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare(
      `INSERT INTO inbox_messages
         (vendor, message_id, sender, payload, next_attempt_at, received_at, updated_at)
       VALUES (@vendor, @messageId, @sender, @payload, @now, @now, @now)
       ON CONFLICT (vendor, message_id) DO NOTHING`,
    ),
    // INDEXED BY: without statistics SQLite picks the state index and sorts every pending row,
    // which with a backlog of a million takes 300 ms on the thread every commit waits on.
    dueCandidates: db.prepare(
      `SELECT seq, sender, next_attempt_at FROM inbox_messages INDEXED BY inbox_messages_due
       WHERE state = 'pending' AND next_attempt_at <= ?
       AND (next_attempt_at > ? OR (next_attempt_at = ? AND seq > ?))
       ORDER BY next_attempt_at, seq LIMIT ?`,
    ),
    senderLease: db.prepare(`SELECT seq, token, expires_at FROM sender_leases WHERE sender = ?`),
    stillHeld: db.prepare(
      `SELECT 1 FROM inbox_messages WHERE seq = ? AND lease_token = ? AND state = 'pending'`,
    ),
    lease: db.prepare(
      `UPDATE inbox_messages SET lease_owner = ?, lease_token = lease_token + 1,
       lease_expires_at = ? WHERE seq = ? RETURNING *`,
    ),
    takeSender: db.prepare(
      `INSERT INTO sender_leases (sender, seq, token, owner, expires_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (sender) DO UPDATE SET seq = excluded.seq, token = excluded.token,
       owner = excluded.owner, expires_at = excluded.expires_at`,
    ),
    freeSender: db.prepare(`DELETE FROM sender_leases WHERE seq = ? AND token = ?`),
    renew: db.prepare(`UPDATE inbox_messages SET lease_expires_at = ? WHERE ${FENCE}`),
    renewSender: db.prepare(`UPDATE sender_leases SET expires_at = ? WHERE seq = ? AND token = ?`),
    release: db.prepare(
      `UPDATE inbox_messages SET lease_owner = NULL, lease_expires_at = NULL WHERE ${FENCE}`,
    ),
    nextDue: db.prepare(
      `SELECT MIN(next_attempt_at) AS at FROM inbox_messages INDEXED BY inbox_messages_due
       WHERE state = 'pending'`,
    ),
    checkpoint: db.prepare(
      `UPDATE inbox_messages SET checkpoint = ?, incident_id = ?, updated_at = ? WHERE ${FENCE}`,
    ),
    finish: db.prepare(
      `UPDATE inbox_messages SET state = ?, checkpoint = ?, incident_id = ?, last_error = NULL,
       updated_at = ?, lease_owner = NULL, lease_expires_at = NULL WHERE ${FENCE}`,
    ),
    retry: db.prepare(
      `UPDATE inbox_messages SET attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ?,
       lease_owner = NULL, lease_expires_at = NULL WHERE ${FENCE}`,
    ),
    dead: db.prepare(
      `UPDATE inbox_messages SET state = 'dead', attempts = ?, last_error = ?, updated_at = ?,
       lease_owner = NULL, lease_expires_at = NULL WHERE ${FENCE}`,
    ),
    countDuplicate: db.prepare(
      `UPDATE inbox_messages SET duplicates = duplicates + 1 WHERE vendor = ? AND message_id = ?`,
    ),
    get: db.prepare(`SELECT * FROM inbox_messages WHERE vendor = ? AND message_id = ?`),
    find: db.prepare(`SELECT * FROM inbox_messages WHERE seq = ?`),
    list: db.prepare(
      `SELECT * FROM inbox_messages WHERE state = ? AND seq > ? ORDER BY seq LIMIT ?`,
    ),
    // last_error stays: it is why the message died, until the next attempt replaces it.
    requeue: db.prepare(
      `UPDATE inbox_messages SET state = 'pending', attempts = 0, next_attempt_at = @now,
       updated_at = @now
       WHERE state = 'dead' AND (@seq IS NULL OR seq = @seq)
       AND (@vendor IS NULL OR vendor = @vendor) RETURNING seq`,
    ),
    requeueSeqs: db.prepare(
      `UPDATE inbox_messages SET state = 'pending', attempts = 0, next_attempt_at = @now,
       updated_at = @now
       WHERE state = 'dead' AND seq IN (SELECT value FROM json_each(@seqs)) RETURNING seq`,
    ),
    counts: db.prepare(`SELECT state, COUNT(*) AS n FROM inbox_messages GROUP BY state`),
    count: db.prepare(`SELECT COUNT(*) AS n FROM inbox_messages WHERE state = ?`),
    claimReplay: db.prepare(
      `INSERT INTO replay_keys (key, expires_at) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at
       WHERE replay_keys.expires_at <= ?`,
    ),
    forgetReplays: db.prepare(
      `DELETE FROM replay_keys WHERE key IN
       (SELECT key FROM replay_keys WHERE expires_at <= ? ORDER BY expires_at LIMIT 8)`,
    ),
    probe: db.prepare(
      `INSERT INTO inbox_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at`,
    ),
  };
}

type Statements = ReturnType<typeof prepareStatements>;
