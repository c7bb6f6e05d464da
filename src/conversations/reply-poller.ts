import { randomBytes } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { B2cClient } from '../b2c/b2c-client';
import { INSTANCE_ID } from '../common/problem/reference-id';
import { GatewayConfig } from '../config/gateway-config';
import { InboxService } from '../inbox/inbox.service';
import { CONVERSATION_STORE, type ConversationStore } from './conversation-store.port';
import { replyMessage } from './reply-payload';

export interface PollResult {
  /** False when another process holds the poll's lease. */
  polled: boolean;
  conversations: number;
  responses: number;
  /** New replies stored (the rest were seen by an earlier poll). */
  stored: number;
}

/**
 * Asks B2C, every `conversations.replies.pollMs`, for agents' new Response entries on the
 * incidents of active conversations, in one queryResults request, and stores each as a reply in
 * the inbox, where the worker sends it. One process polls at a time (a lease in the store); the
 * others take over when it stops. Each poll looks back `overlapMs` before the last one, so an
 * entry B2C committed late is not missed; the inbox stores a reply seen twice once.
 */
@Injectable()
export class ReplyPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReplyPoller');
  /** Unique per poller, also when two gateways share a process (tests). */
  private readonly owner = `${INSTANCE_ID}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly client: B2cClient,
    private readonly inbox: InboxService,
    private readonly config: GatewayConfig,
    @Inject(CONVERSATION_STORE) private readonly store: ConversationStore,
  ) {}

  onApplicationBootstrap(): void {
    const { replies } = this.config.conversations;
    if (!replies.enabled) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.poll()
        .catch((error: unknown) =>
          this.logger.warn(`reply poll failed: ${(error as Error).message}`),
        )
        .finally(() => (this.running = undefined));
    }, replies.pollMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.timer) return;
    clearInterval(this.timer);
    await this.running;
    await this.store
      .releasePoll(this.owner)
      .catch((error: unknown) =>
        this.logger.warn(`could not give up the reply poll: ${(error as Error).message}`),
      );
  }

  async poll(now = Date.now()): Promise<PollResult> {
    const { pollMs, overlapMs, maxConversations } = this.config.conversations.replies;
    const lease = await this.store.claimPoll(this.owner, pollMs * 3, now);
    if (!lease) return { polled: false, conversations: 0, responses: 0, stored: 0 };
    const since = (lease.cursor ?? now - pollMs) - overlapMs;
    const windowStart = now - this.config.conversations.windowHours * 3_600_000;
    const conversations = await this.store.active(windowStart, maxConversations);
    // Newest first: when two conversations share an incident, replies go to the latest.
    const byIncident = new Map<number, (typeof conversations)[number]>();
    for (const conversation of conversations) {
      if (!byIncident.has(conversation.incidentId)) {
        byIncident.set(conversation.incidentId, conversation);
      }
    }
    const entries = await this.client.findResponses([...byIncident.keys()], since);
    const messages = entries.flatMap((entry) => {
      const conversation = byIncident.get(entry.incidentId);
      // Responses from before the gateway's text joined or opened the incident are not replies
      // to it (B2C's clock may run behind ours by up to the overlap).
      if (!conversation || entry.createdAt < conversation.startedAt - overlapMs) return [];
      return [replyMessage(entry, conversation, now)];
    });
    let stored = 0;
    if (messages.length > 0) {
      const result = await this.inbox.accept(messages);
      stored = result.outcomes.filter((outcome) => outcome === 'stored').length;
    }
    await this.store.savePollCursor(this.owner, now);
    if (stored > 0) this.logger.log(`${stored} agent response(s) to send as SMS`);
    return { polled: true, conversations: byIncident.size, responses: entries.length, stored };
  }
}
