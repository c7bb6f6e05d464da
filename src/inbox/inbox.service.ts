import { Inject, Injectable } from '@nestjs/common';
import type { InboundMessage } from '../messages/inbound-message';
import { SignatureRejectedError } from '../common/problem/gateway-error';
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

  /** Throws SignatureRejectedError when `replay` names a key already claimed (a replay). */
  async accept(messages: readonly InboundMessage[], replay?: ReplayClaim): Promise<AcceptResult> {
    const result = await this.store.accept(messages, replay);
    if (result.replayed) {
      throw new SignatureRejectedError('replayed request: its nonce was already used');
    }
    return result;
  }
}
