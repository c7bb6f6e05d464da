import type { DeliveryCheckpoint, StoredMessage } from './inbox-store.port';

/** What delivering one message achieved. */
export type DeliveryOutcome =
  | { kind: 'delivered'; checkpoint: DeliveryCheckpoint }
  /** Nothing to create (e.g. a delivery-status callback); kept for the record. */
  | { kind: 'skipped'; reason: string };

/** Saves a step's result durably before the next step starts. */
export type SaveCheckpoint = (checkpoint: DeliveryCheckpoint) => Promise<void>;

/**
 * A failed delivery attempt. `retryable` failures are tried again with backoff; the others are
 * dead-lettered at once with `detail` (e.g. B2C's error document) kept for the admin.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly detail: Record<string, unknown> = {},
    /** The far side asked for a pause (B2C's osvc-crest-next-request-after), in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** Where stored messages go: the B2C incident service implements it. */
export interface MessageSink {
  deliver(stored: StoredMessage, save: SaveCheckpoint): Promise<DeliveryOutcome>;
}

export const MESSAGE_SINK = Symbol('MessageSink');
