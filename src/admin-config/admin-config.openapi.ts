import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** The schema of `/admin/config` for the OpenAPI document. */
@ApiSchema({ name: 'EffectiveConfig' })
export class EffectiveConfigSchema {
  @ApiProperty({ example: 'production' })
  nodeEnv!: string;

  @ApiProperty({
    description:
      'Every other setting by section (server, storage, b2c, admin, ...), secrets as ' +
      '`{ "secret": "env:" | "file:" | "oci-vault:" | "value" }` or null when unset.',
    type: 'object',
    additionalProperties: true,
  })
  b2c!: Record<string, unknown>;

  @ApiProperty({
    description:
      'In force now: `inbound` (source groups, path groups, rules), `vendorSources`, ' +
      '`outbound` (targets, allowHttpForDevelopment, hostAddresses, caBundle).',
    type: 'object',
    additionalProperties: true,
  })
  allowlist!: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true })
  vendors!: Record<string, unknown>;
}
