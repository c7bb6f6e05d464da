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

  /** Back to pending, due now; the store wakes the workers so delivery starts at once. */
  async replay(which: DeadLetterSelection, admin: string): Promise<number> {
    const replayed = await this.store.requeueDead(which);
    const what =
      'seq' in which
        ? `dead letter ${which.seq}`
        : `dead letters of ${which.vendor ?? 'all vendors'}`;
    this.logger.log(`${admin} replayed ${what}: ${replayed} requeued`);
    return replayed;
  }
}
