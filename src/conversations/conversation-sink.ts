import { Inject, Injectable } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway-config';
import { IncidentService } from '../b2c/incident.service';
import type { DeliveryCheckpoint, StoredMessage } from '../inbox/inbox-store.port';
import type {
  DeliveryOutcome,
  MessageSink,
  SaveCheckpoint,
} from '../delivery/sink/message-sink.port';
import { REPLY_KIND } from '../messages/inbound-message';
import { VendorRegistry } from '../vendors/vendor-registry';
import { AgentNotes } from './agent-notes';
import { CONVERSATION_STORE, type ConversationStore } from './conversation-store.port';
import { FollowUps } from './follow-ups';
import { optOutWord } from './opt-out';
import { ReplyDelivery } from './reply-delivery';

/** Kinds that start or continue a conversation an agent can answer by SMS. */
const TEXT_KINDS: ReadonlySet<string> = new Set(['sms', 'mms']);
/** Vendors' words for a message that did not reach the phone. */
const FAILED_STATUS = /fail|undeliver|reject|expire|error|blocked/i;

/**
 * Where the worker hands every stored message: a customer's text opens an incident or joins the
 * open one (FollowUps), an agent's reply goes out as an SMS (ReplyDelivery), a delivery receipt
 * updates the reply it is about. Stop and start words are recorded and told to the agent.
 */
@Injectable()
export class ConversationSink implements MessageSink {
  constructor(
    private readonly incidents: IncidentService,
    private readonly followUps: FollowUps,
    private readonly replies: ReplyDelivery,
    private readonly notes: AgentNotes,
    private readonly registry: VendorRegistry,
    private readonly config: GatewayConfig,
    @Inject(CONVERSATION_STORE) private readonly store: ConversationStore,
  ) {}

  async deliver(stored: StoredMessage, save: SaveCheckpoint): Promise<DeliveryOutcome> {
    const { message } = stored;
    if (message.kind === REPLY_KIND) return this.replies.deliver(stored, save);
    if (message.kind === 'status') return this.receipt(stored, save);

    let checkpoint: DeliveryCheckpoint = { ...stored.checkpoint };
    const track: SaveCheckpoint = async (next) => {
      checkpoint = next;
      await save(next);
    };
    // The gateway's own clock (when it accepted the text): vendors' timestamps may be anything.
    const receivedAt = stored.receivedAt;
    const { optOutKeywords, optInKeywords, followUps } = this.config.conversations;
    const word = optOutWord(message.text, { optOut: optOutKeywords, optIn: optInKeywords });
    // Before any B2C step: a reply due after this text already finds it (same sender, in order).
    if (word) await this.store.setOptOut(message.from, word === 'stop', receivedAt);

    if (followUps === 'thread-while-open' && checkpoint.incidentId === undefined) {
      checkpoint = await this.followUps.join(stored, checkpoint, track);
    }
    if (checkpoint.incidentId === undefined) {
      const outcome = await this.incidents.deliver({ ...stored, checkpoint }, track);
      if (outcome.kind !== 'delivered') return outcome;
      checkpoint = outcome.checkpoint;
    }
    const incidentId = checkpoint.incidentId!;
    if (TEXT_KINDS.has(message.kind)) {
      await this.store.record({
        customer: message.from,
        ourNumber: message.to,
        vendor: message.vendor,
        incidentId,
        at: receivedAt,
      });
    }
    if (word) {
      checkpoint = await this.notes.ensure(stored, checkpoint, track, {
        purpose: `opt-${word}`,
        incidentId,
        text:
          word === 'stop'
            ? `The customer (${message.from}) texted "${message.text.trim()}": no SMS will be sent to them until they text START.`
            : `The customer (${message.from}) texted "${message.text.trim()}": SMS replies to them are on again.`,
      });
    }
    return { kind: 'delivered', checkpoint };
  }

  /** A delivery receipt: the reply's status, and a Note when it did not reach the phone. */
  private async receipt(stored: StoredMessage, save: SaveCheckpoint): Promise<DeliveryOutcome> {
    const { message } = stored;
    const receipt = this.registry.get(message.vendor)?.vendor.sender?.receipt(message);
    const skipped = 'a delivery-status callback opens no incident';
    if (!receipt) return { kind: 'skipped', reason: skipped };
    const sent = await this.store.updateSentStatus(message.vendor, receipt.vendorMessageId, {
      status: receipt.status,
      errorCode: receipt.errorCode,
      at: stored.receivedAt,
    });
    if (!sent) return { kind: 'skipped', reason: `${skipped} (not a reply this gateway sent)` };
    if (FAILED_STATUS.test(receipt.status)) {
      const code = receipt.errorCode ? `, code ${receipt.errorCode}` : '';
      await this.notes.ensure(stored, stored.checkpoint, save, {
        purpose: 'receipt',
        incidentId: sent.incidentId,
        text: `Your SMS reply to ${sent.customer} was not delivered (${message.vendor} status ${receipt.status}${code}).`,
      });
    }
    return {
      kind: 'skipped',
      reason: `receipt for reply ${receipt.vendorMessageId}: ${receipt.status}`,
    };
  }
}
