import { Inject, Injectable } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway-config';
import type { DeliveryCheckpoint, StoredMessage } from '../inbox/inbox-store.port';
import {
  DeliveryError,
  type DeliveryOutcome,
  type SaveCheckpoint,
} from '../delivery/sink/message-sink.port';
import { SendDeferredError, SendRefusedError } from '../vendors/kit/send';
import { VendorRegistry } from '../vendors/vendor-registry';
import { AgentNotes } from './agent-notes';
import { CONVERSATION_STORE, type ConversationStore } from './conversation-store.port';
import { replySource } from './reply-payload';
import { renderReply } from './reply-text';

/**
 * Sends one agent response as an SMS, at most once: the attempt is checkpointed before the
 * vendor is called, and an attempt that finds it set without an answer (the process died during
 * the call) does not send again but dead-letters the reply, as does an answer that leaves the
 * outcome unknown: an admin decides whether to replay it. A refusal (invalid number, opted out)
 * and an opted-out customer are told to the agent in a Note.
 */
@Injectable()
export class ReplyDelivery {
  constructor(
    private readonly registry: VendorRegistry,
    private readonly notes: AgentNotes,
    private readonly config: GatewayConfig,
    @Inject(CONVERSATION_STORE) private readonly store: ConversationStore,
  ) {}

  async deliver(stored: StoredMessage, save: SaveCheckpoint): Promise<DeliveryOutcome> {
    const { message } = stored;
    const source = replySource(message);
    let checkpoint: DeliveryCheckpoint = { ...stored.checkpoint };
    const track: SaveCheckpoint = async (next) => {
      checkpoint = next;
      await save(next);
    };
    if (checkpoint.sent) return this.finish(stored, checkpoint, track);
    if (checkpoint.notSent) return this.tellAgent(stored, checkpoint, track);

    const notSent = async (reason: string, detail: { code?: string; status?: number } = {}) => {
      await track({ ...checkpoint, sendAttemptedAt: undefined, notSent: { reason, ...detail } });
      return this.tellAgent(stored, checkpoint, track);
    };
    if (await this.store.isOptedOut(message.to)) {
      return notSent('the customer opted out of SMS (they texted a stop word)');
    }
    const enabled = this.registry.get(message.vendor);
    const sender = enabled?.vendor.sender;
    if (!enabled) return notSent(`vendor ${message.vendor} is no longer enabled`);
    if (!sender) return notSent(`vendor ${message.vendor} has no send API in this gateway`);
    const settings = enabled.settings();
    const missing = sender.missingSettings(settings);
    if (missing.length > 0) {
      throw new DeliveryError(`vendor ${message.vendor} cannot send: settings missing`, {
        retryable: false,
        detail: { missing: missing.map((key) => `vendors.${message.vendor}.${key}`) },
      });
    }
    const rendered = renderReply(
      { text: message.text, contentType: source.contentType },
      this.config.conversations.replies.maxSegments,
    );
    if (rendered.text === '') {
      return { kind: 'skipped', reason: 'the response has no text to send' };
    }

    if (checkpoint.sendAttemptedAt !== undefined) {
      const attemptedAt = checkpoint.sendAttemptedAt;
      await track({ ...checkpoint, sendAttemptedAt: undefined });
      throw new DeliveryError('a send was under way when its delivery stopped: it may have gone', {
        retryable: false,
        detail: { outcome: 'unknown', sendAttemptedAt: attemptedAt },
      });
    }
    await track({ ...checkpoint, sendAttemptedAt: Date.now() });
    try {
      const receipt = await sender.send(
        {
          from: message.from,
          to: message.to,
          text: rendered.text,
          reference: `b2c-thread-${source.threadId}`,
        },
        settings,
        enabled.services.http,
      );
      await track({
        ...checkpoint,
        sendAttemptedAt: undefined,
        sent: { ...receipt, segments: rendered.segments, cut: rendered.cut },
      });
    } catch (error) {
      if (error instanceof SendRefusedError) {
        return notSent(error.message, { code: error.detail.code, status: error.detail.status });
      }
      await track({ ...checkpoint, sendAttemptedAt: undefined });
      if (error instanceof SendDeferredError) {
        throw new DeliveryError(error.message, {
          retryable: true,
          notProcessed: true,
          detail: { ...error.detail },
          ...(error.retryAfterMs !== undefined ? { notBeforeMs: error.retryAfterMs } : {}),
        });
      }
      throw new DeliveryError((error as Error).message, {
        retryable: false,
        detail: { outcome: 'unknown', ...(error as { detail?: object }).detail },
      });
    }
    return this.finish(stored, checkpoint, track);
  }

  private async finish(
    stored: StoredMessage,
    checkpoint: DeliveryCheckpoint,
    save: SaveCheckpoint,
  ): Promise<DeliveryOutcome> {
    const { message } = stored;
    const { incidentId } = replySource(message);
    const sent = checkpoint.sent!;
    await this.store.recordSent({
      vendor: message.vendor,
      vendorMessageId: sent.vendorMessageId,
      incidentId,
      customer: message.to,
      status: sent.status,
      at: Date.now(),
    });
    if (sent.cut) {
      checkpoint = await this.notes.ensure(stored, checkpoint, save, {
        purpose: 'cut',
        incidentId,
        text:
          `Your response was sent as SMS to ${message.to} cut to ${sent.segments} segments ` +
          `(conversations.replies.maxSegments); the customer did not get all of it.`,
      });
    }
    return { kind: 'delivered', checkpoint };
  }

  private async tellAgent(
    stored: StoredMessage,
    checkpoint: DeliveryCheckpoint,
    save: SaveCheckpoint,
  ): Promise<DeliveryOutcome> {
    const { message } = stored;
    const notSent = checkpoint.notSent!;
    const code = notSent.code ? ` (code ${notSent.code})` : '';
    await this.notes.ensure(stored, checkpoint, save, {
      purpose: 'not-sent',
      incidentId: replySource(message).incidentId,
      text: `Your response was NOT sent as SMS to ${message.to}: ${notSent.reason}${code}.`,
    });
    return { kind: 'skipped', reason: `reply not sent: ${notSent.reason}${code}` };
  }
}
