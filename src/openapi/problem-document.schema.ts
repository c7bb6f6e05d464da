import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ProblemCode } from '../common/problem/gateway-error';
import { problemType } from '../common/problem/problem';

/**
 * The RFC 9457 problem document every refusal carries (`application/problem+json`), as
 * ProblemFilter writes it. A problem may add members of its own (e.g. an allow-rule refusal's
 * reason), never secrets.
 */
@ApiSchema({ name: 'Problem' })
export class ProblemDocumentSchema {
  @ApiProperty({
    description: "Stable URI of the problem's kind; README lists them.",
    enum: Object.values(ProblemCode).map(problemType),
    example: problemType(ProblemCode.AdminUnauthorized),
  })
  type!: string;

  @ApiProperty({ example: 'Admin authentication required' })
  title!: string;

  @ApiProperty({ example: 401 })
  status!: number;

  @ApiProperty({ description: 'What was wrong with this request.' })
  detail!: string;

  @ApiProperty({ description: 'The request path, without its query.', example: '/admin/whoami' })
  instance!: string;

  @ApiProperty({
    description:
      'Quote it to an admin: `GET /admin/references/{id}` finds the refusal and its reason. ' +
      '`<reason>.<instance hex>.<epoch seconds>.<request hex>`.',
    example: '18.4f2a9c1e.1733500000.1b2',
  })
  referenceId!: string;

  @ApiProperty({ description: 'The request id in the gateway log.' })
  requestId!: string;
}
