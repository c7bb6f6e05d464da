import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** Response schemas of `/health/*` for the OpenAPI document (`/admin/api-docs`). */
@ApiSchema({ name: 'Liveness' })
export class LivenessSchema {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}

/**
 * Anonymous callers (load balancers) get `status` only; admins get the checks and the inbox too.
 * See src/health/README.md for what each status means.
 */
@ApiSchema({ name: 'Readiness' })
export class ReadinessSchema {
  @ApiProperty({ enum: ['ok', 'degraded', 'down'] })
  status!: string;

  @ApiPropertyOptional({ description: 'Admins only. ISO 8601.' })
  checkedAt?: string;

  @ApiPropertyOptional({ description: 'Admins only. The application is stopping.' })
  shuttingDown?: boolean;

  @ApiPropertyOptional({
    description:
      'Admins only. `store`, `worker`, `secrets`, `b2c`: each with `state` (up, degraded, ' +
      'down), `critical`, `latencyMs` and the latest `lastError`.',
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: true },
  })
  checks?: Record<string, unknown>;

  @ApiPropertyOptional({
    description:
      "Admins only. The admin's delivery pause: `paused`, `since` (ISO 8601) and `by`. A paused " +
      'gateway still accepts webhooks, so it stays ready.',
    type: 'object',
    additionalProperties: true,
  })
  delivery?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Admins only. Pending and dead messages, or `error` when the store cannot say.',
    type: 'object',
    additionalProperties: true,
  })
  inbox?: Record<string, unknown>;
}
