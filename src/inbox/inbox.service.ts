import { Inject, Injectable } from '@nestjs/common';
import type { InboundMessage } from '../messages/inbound-message';
import {
  INBOX_STORE,
  type AcceptResult,
  type InboxStore,
  type ReplayClaim,
} from './inbox-store.port';

/** The durable accept step of a webhook: the store commits, and wakes the workers itself. */
@Injectable()
export class InboxService {
  constructor(@Inject(INBOX_STORE) private readonly store: InboxStore) {}

  /**
   * Commits the messages and claims `replay` in one transaction. A key already claimed comes
   * back as `replayed` with nothing stored; intake refuses the request (intake/replay-refusal.ts).
   */
  accept(messages: readonly InboundMessage[], replay?: ReplayClaim): Promise<AcceptResult> {
    return this.store.accept(messages, replay);
  }
}
