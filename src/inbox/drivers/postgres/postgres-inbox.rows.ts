import { GatewayError, StoreUnavailableError } from '../../../common/problem/gateway-error';
import type { InboundMessage } from '../../../messages/inbound-message';
import type {
  ClaimedMessage,
  DeliveryCheckpoint,
  LoggedMessage,
  MessageState,
  StoredMessage,
} from '../../inbox-store.port';
import { LeaseLostError } from '../../inbox-store.port';

/** pg returns BIGINT as a string (it may exceed 2^53); every value here is an epoch ms or a seq. */
type BigintText = string;

export interface MessageRow {
  seq: BigintText;
  payload: string;
  state: MessageState;
  attempts: number;
  next_attempt_at: BigintText;
  checkpoint: string;
  last_error: string | null;
  received_at: BigintText;
  updated_at: BigintText;
}

export interface LeasedRow extends MessageRow {
  sender: string;
  lease_owner: string;
  lease_token: BigintText;
  lease_expires_at: BigintText;
}

/** A row with the message log's columns (postgres-inbox.sql.ts LOGGED_COLUMNS). */
export interface LoggedRow extends MessageRow {
  sender: string;
  duplicates: number;
  incident_id: BigintText | null;
  lease_expires_at: BigintText | null;
}

export function toLoggedMessage(row: LoggedRow): LoggedMessage {
  return {
    ...toStoredMessage(row),
    sender: row.sender,
    duplicates: row.duplicates,
    ...(row.incident_id === null ? {} : { incidentId: Number(row.incident_id) }),
    ...(row.lease_expires_at === null ? {} : { leaseExpiresAt: Number(row.lease_expires_at) }),
  };
}

export function toStoredMessage(row: MessageRow): StoredMessage {
  return {
    seq: Number(row.seq),
    message: JSON.parse(row.payload) as InboundMessage,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: Number(row.next_attempt_at),
    checkpoint: JSON.parse(row.checkpoint) as DeliveryCheckpoint,
    lastError: row.last_error === null ? undefined : (JSON.parse(row.last_error) as unknown),
    receivedAt: Number(row.received_at),
    updatedAt: Number(row.updated_at),
  };
}

export function toClaimedMessage(row: LeasedRow): ClaimedMessage {
  const stored = toStoredMessage(row);
  return {
    ...stored,
    lease: {
      seq: stored.seq,
      sender: row.sender,
      owner: row.lease_owner,
      token: Number(row.lease_token),
      expiresAt: Number(row.lease_expires_at),
    },
  };
}

/**
 * PostgreSQL TEXT cannot hold U+0000, which a vendor's id may carry (JSON payloads escape it).
 * Keys are stored, and looked up, with it replaced: the store then takes what SQLite takes,
 * instead of failing the whole commit group over one webhook.
 */
export function keyText(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

/**
 * Lease and gateway errors pass as they are; anything else the database or the driver said
 * becomes StoreUnavailableError naming the operation. The message is sent to callers, so a
 * connection string that a driver error might quote is cut out.
 */
export function unavailable(what: string, error: unknown): Error {
  if (error instanceof LeaseLostError || error instanceof GatewayError) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(
    `the inbox could not ${what}: ${typeof code === 'string' ? `${code}: ` : ''}` +
      message.replace(/postgres(?:ql)?:\/\/\S*/gi, '<url>'),
  );
}
