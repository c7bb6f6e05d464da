import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  type ValidationArguments,
  ValidateBy,
} from 'class-validator';
import type { MessageLogState } from '../inbox/inbox-store.port';
import { VENDOR_NAME } from '../vendors/vendor-registry';
import { decodeCursor } from './message-cursor';
import { senderSearchValue } from './sender-search';

export const MESSAGE_LOG_STATES: readonly MessageLogState[] = [
  'pending',
  'delivering',
  'delivered',
  'skipped',
  'dead',
];

/** Largest page of the message log: a page is a summary per message, not its payload. */
export const MAX_PAGE = 200;
export const DEFAULT_PAGE = 50;

/** A text the check accepts, with the check's message naming the property. */
function Accepts(name: string, accepts: (value: string) => boolean, what: string) {
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown) => typeof value === 'string' && accepts(value),
      defaultMessage: (args?: ValidationArguments) => `${args?.property ?? name} ${what}`,
    },
  });
}

/**
 * The message log's filters, as query parameters (`GET /admin/messages`) and as the body of
 * `POST /admin/messages/replay`. Every one narrows; none given matches every message.
 */
export class MessageFilterFields {
  @IsOptional()
  @MaxLength(40)
  @Matches(VENDOR_NAME, { message: 'vendor must be a vendor name like twilio' })
  vendor?: string;

  @IsOptional()
  @IsIn(MESSAGE_LOG_STATES)
  state?: MessageLogState;

  /** Received at or after, ISO 8601. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 time' })
  since?: string;

  /** Received before, ISO 8601. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 time' })
  until?: string;

  /** A phone number in any usual format, or an alphanumeric sender id. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Accepts(
    'isSender',
    (value) => senderSearchValue(value) !== undefined,
    'must be a phone number with its country code (e.g. +1 415 555 2671) or a sender id',
  )
  sender?: string;

  /** The vendor's id of the message. */
  @IsOptional()
  @IsString()
  @MaxLength(256)
  messageId?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  incidentId?: number;
}

/** `GET /admin/messages`: the filters, a page size and where the previous page ended. */
export class MessageSearchQuery extends MessageFilterFields {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  limit?: number;

  /** `next` of the previous page. */
  @IsOptional()
  @Accepts('isCursor', (value) => decodeCursor(value) !== undefined, 'is not a cursor of this log')
  cursor?: string;
}

/** Messages one replay may name at most. */
export const MAX_REPLAY_IDS = 1_000;
