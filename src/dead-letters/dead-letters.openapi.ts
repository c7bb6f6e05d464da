import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { MAX_PAGE } from './dead-letter-queries';

/**
 * Response schemas of `/admin/dead-letters` for the OpenAPI document (`/admin/api-docs`),
 * matching DeadLetterView and DeadLetterPage.
 */
@ApiSchema({ name: 'DeadLetter' })
export class DeadLetterSchema {
  @ApiProperty({ description: 'The inbox sequence number: what the replay route takes.' })
  id!: number;

  @ApiProperty({ example: 'twilio' })
  vendor!: string;

  @ApiProperty({ description: "The vendor's message id." })
  messageId!: string;

  @ApiProperty()
  attempts!: number;

  @ApiProperty({ description: 'ISO 8601: when the gateway accepted it.' })
  storedAt!: string;

  @ApiProperty({ description: 'ISO 8601: when it was dead-lettered.' })
  diedAt!: string;

  @ApiProperty({
    description: "The last attempt's failure (message, retryable, at, detail), or null.",
    type: 'object',
    additionalProperties: true,
    nullable: true,
  })
  lastError!: unknown;

  @ApiProperty({
    description: 'B2C ids already made (contact, incident), which a replay reuses.',
    type: 'object',
    additionalProperties: true,
  })
  checkpoint!: Record<string, unknown>;

  @ApiProperty({
    description: 'The normalized message, with the vendor payload under `raw`.',
    type: 'object',
    additionalProperties: true,
  })
  message!: Record<string, unknown>;
}

@ApiSchema({ name: 'DeadLetterPage' })
export class DeadLetterPageSchema {
  @ApiProperty({ type: [DeadLetterSchema], maxItems: MAX_PAGE })
  items!: DeadLetterSchema[];

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Pass as `after` for the next page; null on the last one.',
  })
  next!: number | null;

  @ApiProperty({ description: 'Dead letters in the inbox now, on every page.' })
  total!: number;
}

@ApiSchema({ name: 'Replayed' })
export class ReplayedSchema {
  @ApiProperty({ description: 'Dead letters requeued (due now).' })
  replayed!: number;
}
