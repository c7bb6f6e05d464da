import { Inject, Injectable } from '@nestjs/common';
import { B2cClient, type IncidentState } from '../b2c/b2c-client';
import { customerEntry, incidentNote, messageMarker } from '../b2c/incident-content';
import { assertSettled } from '../b2c/settle-delay';
import { GatewayConfig } from '../config/gateway-config';
import type { DeliveryCheckpoint, StoredMessage } from '../inbox/inbox-store.port';
import { DeliveryError, type SaveCheckpoint } from '../delivery/sink/message-sink.port';
import type { InboundMessage } from '../messages/inbound-message';
import { CONVERSATION_STORE, type ConversationStore } from './conversation-store.port';

/** Oracle's default status for an incident a customer has updated (status type Unresolved). */
export const UPDATED_STATUS = 'Updated';
const SOLVED_STATUS_TYPE = { id: 2, name: 'solved' };

/**
 * `conversations.followUps: thread-while-open`: a text joins the newest incident the gateway
 * opened for the same customer and number, while that incident is open and recent, as a
 * Customer entry (with the raw payload in a Note that starts with the message's marker) and the
 * status Updated, in one PATCH. Each step is checkpointed like an incident create: the choice of
 * incident once, and an append whose answer was lost is looked for before it is sent again.
 */
@Injectable()
export class FollowUps {
  constructor(
    private readonly client: B2cClient,
    private readonly config: GatewayConfig,
    @Inject(CONVERSATION_STORE) private readonly store: ConversationStore,
  ) {}

  /**
   * The checkpoint with `incidentId` set when the message joined an open incident; without it
   * when a new incident must be opened.
   */
  async join(
    stored: StoredMessage,
    checkpoint: DeliveryCheckpoint,
    save: SaveCheckpoint,
  ): Promise<DeliveryCheckpoint> {
    if (checkpoint.joinIncidentId === undefined) {
      checkpoint = {
        ...checkpoint,
        joinIncidentId: (await this.openIncident(stored.message)) ?? null,
      };
      await save(checkpoint);
    }
    const incidentId = checkpoint.joinIncidentId;
    if (incidentId === null || incidentId === undefined) return checkpoint;

    if (checkpoint.appendAttemptedAt !== undefined) {
      assertSettled(checkpoint.appendAttemptedAt, this.config.b2c.settleDelayMs, 'thread append', {
        incidentId,
        appendAttemptedAt: checkpoint.appendAttemptedAt,
      });
      if (await this.client.hasThreadStartingWith(incidentId, messageMarker(stored.message))) {
        return this.joined(checkpoint, incidentId, save);
      }
    } else {
      checkpoint = { ...checkpoint, appendAttemptedAt: Date.now() };
      await save(checkpoint);
    }

    let appended: boolean;
    try {
      appended = await this.client.updateIncident(incidentId, {
        status: UPDATED_STATUS,
        threads: [
          { entryType: 'Customer', text: customerEntry(stored.message) },
          { entryType: 'Note', text: incidentNote(stored.message) },
        ],
      });
    } catch (error) {
      if (error instanceof DeliveryError && error.failure.notProcessed) {
        await save({ ...checkpoint, appendAttemptedAt: undefined });
      }
      throw error;
    }
    if (!appended) {
      // Deleted in B2C since it was chosen: a new incident instead.
      checkpoint = { ...checkpoint, joinIncidentId: null, appendAttemptedAt: undefined };
      await save(checkpoint);
      return checkpoint;
    }
    return this.joined(checkpoint, incidentId, save);
  }

  private async joined(
    checkpoint: DeliveryCheckpoint,
    incidentId: number,
    save: SaveCheckpoint,
  ): Promise<DeliveryCheckpoint> {
    const next = { ...checkpoint, incidentId };
    await save(next);
    return next;
  }

  /** The conversation's incident when it may take this text: open and recently active. */
  private async openIncident(message: InboundMessage): Promise<number | undefined> {
    const conversation = await this.store.find({ customer: message.from, ourNumber: message.to });
    const windowStart = Date.now() - this.config.conversations.windowHours * 3_600_000;
    if (!conversation || conversation.lastActivityAt < windowStart) return undefined;
    const state = await this.client.incidentState(conversation.incidentId);
    if (!state || !this.isOpen(state)) return undefined;
    // An agent's update counts as activity too; B2C's clock, so only when it gave one.
    if (!Number.isNaN(state.updatedAt) && state.updatedAt < windowStart) return undefined;
    return conversation.incidentId;
  }

  private isOpen(state: IncidentState): boolean {
    const open = this.config.conversations.openStatuses;
    if (open.length > 0) {
      const status = state.status?.toLowerCase();
      return status !== undefined && open.some((name) => name.toLowerCase() === status);
    }
    return (
      state.statusTypeId !== SOLVED_STATUS_TYPE.id &&
      state.statusType?.toLowerCase() !== SOLVED_STATUS_TYPE.name
    );
  }
}
