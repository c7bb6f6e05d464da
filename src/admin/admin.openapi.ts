import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/**
 * Response schemas of the admin routes for the OpenAPI document (`/admin/api-docs`). Classes only
 * to carry the description: the routes return plain objects of the matching interfaces.
 */
@ApiSchema({ name: 'AdminPrincipal' })
export class AdminPrincipalSchema {
  @ApiProperty({
    description:
      "The token's `sub` (`client_id` for a client-credentials token); `admin` for a static token.",
  })
  subject!: string;

  @ApiProperty({ enum: ['jwt', 'token'] })
  mode!: string;
}

@ApiSchema({ name: 'DecodedReference' })
export class DecodedReferenceSchema {
  @ApiProperty({ description: 'Reason code (18: blocked by an allow rule, 1: timeout, …).' })
  reason!: number;

  @ApiProperty({ description: 'What the reason code means.' })
  reasonText!: string;

  @ApiProperty({ description: 'The gateway instance that refused, hex.' })
  instance!: string;

  @ApiProperty({ description: 'Epoch seconds.' })
  at!: number;

  @ApiProperty({ description: 'ISO 8601.' })
  time!: string;

  @ApiProperty({ description: "The request's sequence number within the instance, hex." })
  request!: string;
}

@ApiSchema({ name: 'ReferenceAnswer' })
export class ReferenceAnswerSchema {
  @ApiProperty({ example: '18.4f2a9c1e.1733500000.1b2' })
  referenceId!: string;

  @ApiProperty({ type: DecodedReferenceSchema })
  decoded!: DecodedReferenceSchema;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      "The refusal's log line, decision included, while the refusal log keeps it; else null.",
  })
  line!: Record<string, unknown> | null;
}
