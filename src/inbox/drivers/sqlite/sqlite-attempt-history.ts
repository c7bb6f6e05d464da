import type Database from 'better-sqlite3';
import {
  ATTEMPT_COLUMNS,
  type AttemptRecord,
  attemptValues,
  HISTORY_PER_MESSAGE,
} from '../../attempt-history';

/**
 * The attempt history on SQLite, run by the engine inside the transaction of the write it
 * records: an attempt's entry with the fenced write that ended its lease, a replay's with the
 * requeue. Each insert trims the message's entries to the newest HISTORY_PER_MESSAGE.
 */
export class SqliteAttemptHistory {
  private readonly insertAttempt: Database.Statement;
  private readonly insertReplay: Database.Statement;
  private readonly trim: Database.Statement;
  private readonly read: Database.Statement;

  constructor(db: Database.Database) {
    const placeholders = ATTEMPT_COLUMNS.map(() => '?').join(', ');
    this.insertAttempt = db.prepare(
      `INSERT INTO delivery_attempts (seq, kind, ${ATTEMPT_COLUMNS.join(', ')})
       VALUES (?, 'attempt', ${placeholders})`,
    );
    this.insertReplay = db.prepare(
      `INSERT INTO delivery_attempts (seq, kind, started_at, outcome, actor)
       VALUES (?, 'replay', ?, 'replayed', ?)`,
    );
    // The entry at offset `keep` (newest first) and every older one go.
    this.trim = db.prepare(
      `DELETE FROM delivery_attempts WHERE seq = @seq AND id <= (
         SELECT id FROM delivery_attempts WHERE seq = @seq ORDER BY id DESC LIMIT 1 OFFSET @keep)`,
    );
    this.read = db.prepare(
      `SELECT * FROM (
         SELECT * FROM delivery_attempts WHERE seq = ? ORDER BY id DESC LIMIT ?
       ) ORDER BY id`,
    );
  }

  recordAttempt(seq: number, attempt: AttemptRecord): void {
    this.insertAttempt.run(seq, ...attemptValues(attempt));
    this.trim.run({ seq, keep: HISTORY_PER_MESSAGE });
  }

  recordReplays(seqs: readonly number[], by: string, at: number): void {
    for (const seq of seqs) {
      this.insertReplay.run(seq, at, by);
      this.trim.run({ seq, keep: HISTORY_PER_MESSAGE });
    }
  }

  /** The last `limit` entries, oldest first, as rows (parsed on the main thread). */
  rows(seq: number, limit: number): unknown[] {
    return this.read.all(seq, limit);
  }
}
