import type { BlockedSender } from '../../inbox/inbox-store.port';
import type { DeliveryPauseState } from './delivery-control-store.port';

/** What pause and resume answer, and GET /admin/delivery without its blocked senders. */
export interface DeliveryStatus {
  paused: boolean;
  pausedBy: string | null;
  /** ISO 8601. */
  pausedAt: string | null;
  reason: string | null;
  /** ISO 8601: B2C asked every caller to wait until then (503 OSC-CREST-00035); null if not. */
  b2cPausedUntil: string | null;
}

export interface BlockedSenderView {
  sender: string;
  blocking: {
    id: number;
    vendor: string;
    messageId: string;
    attempts: number;
    receivedAt: string;
    nextAttemptAt: string;
    lastError: unknown;
  };
  waiting: number;
}

export function deliveryStatus(
  state: DeliveryPauseState,
  b2cPausedUntil: number,
  now: number,
): DeliveryStatus {
  const paused = state.paused;
  return {
    paused,
    pausedBy: paused ? (state.changedBy ?? null) : null,
    pausedAt: paused && state.changedAt !== undefined ? iso(state.changedAt) : null,
    reason: paused ? (state.reason ?? null) : null,
    b2cPausedUntil: b2cPausedUntil > now ? iso(b2cPausedUntil) : null,
  };
}

export function blockedSenderView(blocked: BlockedSender): BlockedSenderView {
  const { blocking } = blocked;
  return {
    sender: blocked.sender,
    blocking: {
      id: blocking.seq,
      vendor: blocking.vendor,
      messageId: blocking.messageId,
      attempts: blocking.attempts,
      receivedAt: iso(blocking.receivedAt),
      nextAttemptAt: iso(blocking.nextAttemptAt),
      lastError: blocking.lastError ?? null,
    },
    waiting: blocked.waiting,
  };
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
