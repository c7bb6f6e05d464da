import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/**
 * Response schema of `GET /admin/messages/:id` for the OpenAPI document (`/admin/api-docs`),
 * matching MessageDetail, AttemptView and AttemptCallView.
 */
@ApiSchema({ name: 'AttemptCall' })
export class AttemptCallSchema {
  @ApiProperty({ example: 'POST' })
  method!: string;

  @ApiProperty({
    description:
      "B2C: the path under the Connect REST base URL (`/incidents`); a reply's vendor send API: " +
      'host and path. Never a query string.',
    example: '/incidents',
  })
  path!: string;

  @ApiProperty({ description: 'ISO 8601: when the request was sent.' })
  startedAt!: string;

  @ApiProperty()
  durationMs!: number;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Null when no answer came (timeout, connection refused).',
  })
  status!: number | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: "Oracle's `o:errorCode` of a B2C error answer.",
    example: 'OSC-CREST-00003',
  })
  errorCode!: string | null;
}

@ApiSchema({ name: 'MessageHistoryEntry' })
export class MessageHistoryEntrySchema {
  @ApiProperty({ enum: ['attempt', 'replay'] })
  kind!: 'attempt' | 'replay';

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The attempt number (1 = first since the last replay); null for a replay.',
  })
  attempt!: number | null;

  @ApiProperty({ description: 'ISO 8601: when the attempt started, or the replay was made.' })
  startedAt!: string;

  @ApiProperty({ description: '0 for a replay.' })
  durationMs!: number;

  @ApiProperty({ enum: ['delivered', 'skipped', 'retry', 'dead', 'released', 'replayed'] })
  outcome!: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Why a `retry` or `dead` attempt failed.',
  })
  error!: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'The admin (token subject) who replayed the message, for a replay.',
  })
  by!: string | null;

  @ApiProperty({ type: [AttemptCallSchema], description: "The attempt's calls, oldest first." })
  calls!: AttemptCallSchema[];

  @ApiProperty({ description: 'Earlier calls of a long attempt not kept (the latest 20 are).' })
  callsOmitted!: number;
}

@ApiSchema({ name: 'MessageDetail' })
export class MessageDetailSchema {
  @ApiProperty({ description: 'The inbox sequence number.' })
  id!: number;

  @ApiProperty({ example: 'twilio' })
  vendor!: string;

  @ApiProperty({ description: "The vendor's message id." })
  messageId!: string;

  @ApiProperty({ example: 'sms' })
  kind!: string;

  @ApiProperty({ enum: ['pending', 'delivering', 'delivered', 'skipped', 'dead'] })
  state!: string;

  @ApiProperty({ description: "The customer's number (E.164)." })
  sender!: string;

  @ApiProperty({ description: 'ISO 8601.' })
  received!: string;

  @ApiProperty({ description: 'ISO 8601.' })
  updated!: string;

  @ApiProperty({ description: 'Failed attempts since it was accepted or last replayed.' })
  attempts!: number;

  @ApiProperty({ description: 'Times the vendor sent it again after it was held.' })
  duplicates!: number;

  @ApiProperty({ type: 'integer', nullable: true })
  incidentId!: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  contactId!: number | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'ISO 8601, while pending.' })
  nextAttempt!: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'ISO 8601, while delivering.' })
  leaseExpires!: string | null;

  @ApiProperty({
    description: "The last attempt's failure (message, retryable, at, detail), or null.",
    type: 'object',
    additionalProperties: true,
    nullable: true,
  })
  lastError!: unknown;

  @ApiProperty({
    description: 'How far delivery got: B2C ids made, steps attempted.',
    type: 'object',
    additionalProperties: true,
  })
  checkpoint!: Record<string, unknown>;

  @ApiProperty({
    description: "The message as the vendor's adapter normalized it.",
    type: 'object',
    additionalProperties: true,
  })
  normalized!: Record<string, unknown>;

  @ApiProperty({
    description: "The vendor's payload as received.",
    type: 'object',
    additionalProperties: true,
  })
  raw!: unknown;

  @ApiProperty({
    type: [MessageHistoryEntrySchema],
    description:
      'Every delivery attempt and replay, oldest first (the latest 50 are kept per message).',
  })
  history!: MessageHistoryEntrySchema[];
}
