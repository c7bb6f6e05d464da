import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  Max,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

/**
 * `new-incident`: every text opens an incident (the behaviour before conversations).
 * `thread-while-open`: a text joins the customer's open incident on that number, if recent.
 */
export const FOLLOW_UP_MODES = ['new-incident', 'thread-while-open'] as const;
export type FollowUpMode = (typeof FOLLOW_UP_MODES)[number];

export class ReplySettings {
  /** Agents' Response entries go back to the customer as SMS. */
  @IsBoolean() enabled = false;
  /** How often B2C is asked for new responses (one query for every open conversation). */
  @IsInt() @Min(1000) @Max(3_600_000) pollMs = 15_000;
  /** A longer response is cut, ending in "…", and the agent is told with a Note. */
  @IsInt() @Min(1) @Max(10) maxSegments = 4;
  /**
   * How far back each poll looks again: B2C's thread times are whole seconds and commits may
   * land out of order; a response seen twice is sent once (the inbox dedupes it).
   */
  @IsInt() @Min(1000) @Max(3_600_000) overlapMs = 120_000;
  /** At most this many open conversations are asked about per poll (the most recent). */
  @IsInt() @Min(1) @Max(10_000) maxConversations = 2_000;
}

export class ConversationsConfig {
  @IsIn(FOLLOW_UP_MODES) followUps: FollowUpMode = 'new-incident';
  /** A follow-up joins an incident last updated within this many hours. */
  @IsInt() @Min(1) @Max(24 * 90) windowHours = 72;
  /**
   * Statuses (lookup names) under which an incident takes follow-ups. Empty: every status whose
   * status type is not Solved.
   */
  @IsArray() @IsString({ each: true }) @MinLength(1, { each: true }) openStatuses: string[] = [];
  /** A text that is one of these words (any case) stops SMS to its sender. */
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  optOutKeywords: string[] = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'ARRET'];
  /** …and one of these lifts the stop. */
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  optInKeywords: string[] = ['START', 'UNSTOP', 'YES'];
  @ValidateNested() @Type(() => ReplySettings) replies = new ReplySettings();
}
