import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway-config';
import type { DeliveryCheckpoint, StoredMessage } from '../inbox/inbox-store.port';
import {
  DeliveryError,
  type DeliveryOutcome,
  type MessageSink,
  type SaveCheckpoint,
} from '../delivery/sink/message-sink.port';
import { B2cClient } from './b2c-client';
import { assertSettled } from './settle-delay';
import { customerEntry, incidentNote, incidentSubject, messageMarker } from './incident-content';
import { E164 } from '../messages/phone-number';

/**
 * Turns one stored message into a B2C contact (found or created) and an incident with the
 * original payload as a Note. Each step's result is saved before the next starts, and an
 * incident create that may have reached B2C is looked for before it is ever sent again.
 */
@Injectable()
export class IncidentService implements MessageSink {
  constructor(
    private readonly client: B2cClient,
    private readonly config: GatewayConfig,
  ) {}

  async deliver(stored: StoredMessage, save: SaveCheckpoint): Promise<DeliveryOutcome> {
    const { message } = stored;
    if (message.kind === 'status') {
      return { kind: 'skipped', reason: 'a delivery-status callback opens no incident' };
    }
    let checkpoint: DeliveryCheckpoint = { ...stored.checkpoint };
    if (checkpoint.incidentId !== undefined) return { kind: 'delivered', checkpoint };

    if (checkpoint.contactId === undefined) {
      checkpoint = { ...checkpoint, contactId: await this.contactFor(message.from) };
      await save(checkpoint);
    }
    const contactId = checkpoint.contactId as number;

    if (checkpoint.incidentAttemptedAt !== undefined) {
      assertSettled(
        checkpoint.incidentAttemptedAt,
        this.config.b2c.settleDelayMs,
        'incident create',
        {
          incidentAttemptedAt: checkpoint.incidentAttemptedAt,
        },
      );
      const earlier = await this.findEarlierIncident(
        stored,
        contactId,
        checkpoint.incidentAttemptedAt,
      );
      if (earlier !== undefined) {
        checkpoint = { ...checkpoint, incidentId: earlier };
        await save(checkpoint);
        return { kind: 'delivered', checkpoint };
      }
    } else {
      // Recorded before the create is sent: if we never learn its answer, the next attempt looks.
      checkpoint = { ...checkpoint, incidentAttemptedAt: Date.now() };
      await save(checkpoint);
    }

    let incidentId: number;
    try {
      incidentId = await this.client.createIncident({
        subject: incidentSubject(message),
        contactId,
        noteText: incidentNote(message),
        // A conversation reads as the customer's entries, the first one included.
        ...(this.config.conversations.followUps === 'thread-while-open'
          ? { customerText: customerEntry(message) }
          : {}),
      });
    } catch (error) {
      // B2C did not act on it (throttled) or it never left: nothing to wait out or look for.
      if (error instanceof DeliveryError && error.failure.notProcessed) {
        await save({ ...checkpoint, incidentAttemptedAt: undefined });
      }
      throw error;
    }
    checkpoint = { ...checkpoint, incidentId };
    await save(checkpoint);
    return { kind: 'delivered', checkpoint };
  }

  private async contactFor(phone: string): Promise<number> {
    if (!E164.test(phone)) {
      throw new DeliveryError('the sender is not a normalized E.164 number', {
        retryable: false,
        detail: { phone },
      });
    }
    const [existing] = (await this.client.findContactIdsByPhone(phone)).sort((a, b) => a - b);
    if (existing !== undefined) return existing;
    return this.client.createContact({ first: 'SMS', last: phone, mobilePhone: phone });
  }

  private async findEarlierIncident(
    stored: StoredMessage,
    contactId: number,
    attemptedAt: number,
  ): Promise<number | undefined> {
    const marker = messageMarker(stored.message);
    // The window reaches back before the first attempt to allow for B2C's clock being behind ours.
    const since = attemptedAt - this.config.b2c.recoveryWindowMs;
    for (const incidentId of await this.client.findIncidentIds(contactId, since)) {
      if (await this.client.hasThreadStartingWith(incidentId, marker)) return incidentId;
    }
    return undefined;
  }
}
