import { Inject, Injectable } from '@nestjs/common';
import type { InboundMessage } from '../vendors/inbound-message';
import { DeliveryWorker } from './delivery-worker';
import { INBOX_STORE, type AcceptResult, type InboxStore } from './inbox-store.port';

/** The durable accept step of a webhook: commit, then wake the worker. */
@Injectable()
export class InboxService {
  constructor(
    @Inject(INBOX_STORE) private readonly store: InboxStore,
    private readonly worker: DeliveryWorker,
  ) {}

  async accept(messages: readonly InboundMessage[]): Promise<AcceptResult> {
    const result = await this.store.accept(messages);
    if (result.outcomes.includes('stored')) this.worker.notify();
    return result;
  }
}
