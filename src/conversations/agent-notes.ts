import { Injectable } from '@nestjs/common';
import { B2cClient } from '../b2c/b2c-client';
import { messageMarker } from '../b2c/incident-content';
import type { DeliveryCheckpoint, StoredMessage } from '../inbox/inbox-store.port';
import type { SaveCheckpoint } from '../delivery/sink/message-sink.port';

/**
 * Notes that tell the agent something about a message (an opt-out, an SMS not sent), each made
 * once per message and purpose: marked as attempted before it is sent, so an attempt whose
 * answer was lost looks for the note's first line in the incident before sending it again.
 */
@Injectable()
export class AgentNotes {
  constructor(private readonly client: B2cClient) {}

  /** Returns the checkpoint with the note done. An incident gone from B2C takes no note. */
  async ensure(
    stored: StoredMessage,
    checkpoint: DeliveryCheckpoint,
    save: SaveCheckpoint,
    note: { purpose: string; incidentId: number; text: string },
  ): Promise<DeliveryCheckpoint> {
    const state = checkpoint.notes?.[note.purpose];
    if (state?.doneAt !== undefined) return checkpoint;
    const marker = `${messageMarker(stored.message)} note: ${note.purpose}`;
    const done = async (attemptedAt: number) => {
      const next = withNote(checkpoint, note.purpose, { attemptedAt, doneAt: Date.now() });
      await save(next);
      return next;
    };
    if (
      state?.attemptedAt !== undefined &&
      (await this.client.hasThreadStartingWith(note.incidentId, marker))
    ) {
      return done(state.attemptedAt);
    }
    const attemptedAt = Date.now();
    checkpoint = withNote(checkpoint, note.purpose, { attemptedAt });
    await save(checkpoint);
    await this.client.updateIncident(note.incidentId, {
      threads: [{ entryType: 'Note', text: `${marker}\n${note.text}` }],
    });
    return done(attemptedAt);
  }
}

function withNote(
  checkpoint: DeliveryCheckpoint,
  purpose: string,
  state: { attemptedAt?: number; doneAt?: number },
): DeliveryCheckpoint {
  return { ...checkpoint, notes: { ...checkpoint.notes, [purpose]: state } };
}
