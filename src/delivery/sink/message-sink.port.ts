import type { DeliveryCheckpoint, StoredMessage } from '../../inbox/inbox-store.port';

/** What delivering one message achieved. */
export type DeliveryOutcome =
  | { kind: 'delivered'; checkpoint: DeliveryCheckpoint }
  /** Nothing to create (e.g. a delivery-status callback); kept for the record. */
  | { kind: 'skipped'; reason: string };

/** Saves a step's result durably before the next step starts. */
export type SaveCheckpoint = (checkpoint: DeliveryCheckpoint) => Promise<void>;

export interface DeliveryFailure {
  /** Worth another attempt (with backoff), or dead-lettered at once. */
  retryable: boolean;
  /** Kept on the message for the admin, e.g. B2C's error document. Never secrets. */
  detail?: Record<string, unknown>;
  /** The far side asked every caller to pause this long (B2C's osvc-crest-next-request-after). */
  pauseAllMs?: number;
  /**
   * This message's next attempt must wait at least this long, e.g. after a create whose outcome
   * is unknown, so that it has finished at B2C before the next attempt looks for it.
   */
  notBeforeMs?: number;
  /**
   * The far side did not act on the request (B2C throttled it) or it never left (the outbound
   * allowlist refused it): a create that failed so cannot have made anything to look for.
   */
  notProcessed?: boolean;
}

/** A failed delivery attempt; the worker retries or dead-letters according to `failure`. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly failure: DeliveryFailure,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/**
 * An attempt cut short before its call was sent, because the gateway is stopping (e.g. while it
 * waited for a pause B2C asked for). Not a failure: no attempt is counted, the message is left
 * for the next process.
 */
export class DeliveryAbortedError extends Error {
  override name = 'DeliveryAbortedError';
}

/** Where stored messages go: the B2C incident service implements it. */
export interface MessageSink {
  deliver(stored: StoredMessage, save: SaveCheckpoint): Promise<DeliveryOutcome>;
}

export const MESSAGE_SINK = Symbol('MessageSink');
