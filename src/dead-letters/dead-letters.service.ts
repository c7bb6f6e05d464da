import { Inject, Injectable, Logger } from '@nestjs/common';
import { type DeadLetterSelection, INBOX_STORE, type InboxStore } from '../inbox/inbox-store.port';
import { type DeadLetterView, toDeadLetterView } from './dead-letter-view';

export interface DeadLetterPage {
  items: DeadLetterView[];
  /** Pass as `after` for the next page; null on the last one. */
  next: number | null;
  /** Dead letters in the inbox now, on every page. */
  total: number;
}

/** Listing and replaying dead letters; every replay is logged with the admin who asked. */
@Injectable()
export class DeadLettersService {
  private readonly logger = new Logger('DeadLetters');

  constructor(@Inject(INBOX_STORE) private readonly store: InboxStore) {}

  async page(limit: number, after: number): Promise<DeadLetterPage> {
    // One more than asked says whether another page exists without a second query.
    const [rows, total] = await Promise.all([
      this.store.list('dead', limit + 1, after),
      this.store.count('dead'),
    ]);
    const items = rows.slice(0, limit).map(toDeadLetterView);
    return {
      items,
      next: rows.length > limit ? items[items.length - 1].id : null,
      total,
    };
  }

  /**
   * Back to pending, due now; the store wakes the workers so delivery starts at once. Each
   * requeued message's attempt history records the replay and `admin`, with the requeue.
   */
  async replay(which: DeadLetterSelection, admin: string): Promise<number> {
    const replayed = await this.store.requeueDead(which, admin);
    const what = describeSelection(which);
    this.logger.log(`${admin} replayed ${what}: ${replayed} requeued`);
    return replayed;
  }
}

/** Ids listed in a replay's log line, at most; the rest are counted. */
const LOGGED_IDS = 20;

/** What a replay asked for, for the audit line. A sender's number is not logged, only its use. */
function describeSelection(which: DeadLetterSelection): string {
  if ('seq' in which) return `dead letter ${which.seq}`;
  if ('seqs' in which) {
    const listed = which.seqs.slice(0, LOGGED_IDS).join(', ');
    const more = which.seqs.length - LOGGED_IDS;
    return `messages ${listed}${more > 0 ? ` and ${more} more` : ''}`;
  }
  if ('filter' in which) {
    const terms = Object.entries(which.filter)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) =>
        name === 'sender' ? 'sender=(given)' : `${name}=${JSON.stringify(value)}`,
      );
    return `dead messages matching ${terms.length > 0 ? terms.join(' ') : 'everything'}`;
  }
  return `dead letters of ${which.vendor ?? 'all vendors'}`;
}
