import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { PAUSE_REASON_MAX } from './delivery-control-store.port';

/** Schemas of `/admin/delivery` for the OpenAPI document. */
@ApiSchema({ name: 'DeliveryPauseBody' })
export class DeliveryPauseBodySchema {
  @ApiPropertyOptional({ maxLength: PAUSE_REASON_MAX, example: 'B2C maintenance until 02:00' })
  reason?: string;
}

@ApiSchema({ name: 'DeliveryStatus' })
export class DeliveryStatusSchema {
  @ApiProperty({ description: 'An admin paused delivery (every process holds back).' })
  paused!: boolean;

  @ApiProperty({ type: String, nullable: true, description: "The pausing admin's subject." })
  pausedBy!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'ISO 8601.' })
  pausedAt!: string | null;

  @ApiProperty({ type: String, nullable: true })
  reason!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'ISO 8601: B2C asked every caller to wait until then (503 OSC-CREST-00035).',
  })
  b2cPausedUntil!: string | null;
}

@ApiSchema({ name: 'BlockedSender' })
export class BlockedSenderSchema {
  @ApiProperty({ description: "The customer's number (E.164)." })
  sender!: string;

  @ApiProperty({
    description:
      "The sender's oldest pending message, which failed at least once: `id` (the message " +
      'log id), `vendor`, `messageId`, `attempts`, `receivedAt`, `nextAttemptAt` (ISO 8601) ' +
      'and `lastError`.',
    type: 'object',
    additionalProperties: true,
  })
  blocking!: Record<string, unknown>;

  @ApiProperty({ description: "The sender's later pending messages." })
  waiting!: number;
}

@ApiSchema({ name: 'DeliveryOverview' })
export class DeliveryOverviewSchema extends DeliveryStatusSchema {
  @ApiProperty({ type: [BlockedSenderSchema], description: 'Oldest blocking message first.' })
  blockedSenders!: BlockedSenderSchema[];
}
