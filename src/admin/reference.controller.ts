import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { GatewayError, ProblemCode } from '../common/problem/gateway-error';
import { decodeReferenceId, type DecodedReference } from '../common/problem/reference-id';
import { normalizeReferenceId, REFUSAL_LOG, type RefusalLog } from '../refusals/refusal-log.port';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ADMIN_SECURITY } from '../openapi/openapi-document';
import { ADMIN_PROBLEMS, ApiProblemResponses } from '../openapi/problem-responses.decorator';
import { AdminGuard } from './admin.guard';
import { ReferenceAnswerSchema } from './admin.openapi';

export interface ReferenceAnswer {
  referenceId: string;
  decoded: DecodedReference;
  /**
   * The refusal's log line while the refusal log still keeps it (this instance's memory with
   * `sqlite`, every instance's with `postgres`); else look in the log.
   */
  line: Record<string, unknown> | null;
}

/**
 * `GET /admin/references/:id`: what a reference id a vendor quoted means (reason, time,
 * instance) and the refusal's whole log line, decision included. Admins only, since the line
 * names addresses and rules.
 */
@ApiTags('admin')
@ApiBearerAuth(ADMIN_SECURITY)
@Controller('admin/references')
@UseGuards(AdminGuard)
export class ReferenceController {
  constructor(@Inject(REFUSAL_LOG) private readonly refusals: RefusalLog) {}

  @Get(':id')
  @ApiOperation({ summary: "What a reference id from a refusal means, and the refusal's log line" })
  @ApiParam({ name: 'id', example: '18.4f2a9c1e.1733500000.1b2' })
  @ApiOkResponse({ type: ReferenceAnswerSchema })
  @ApiProblemResponses(ProblemCode.BadRequest, ...ADMIN_PROBLEMS)
  async lookUp(@Param('id') id: string): Promise<ReferenceAnswer> {
    const decoded = decodeReferenceId(id);
    if (!decoded) {
      throw new GatewayError(
        ProblemCode.BadRequest,
        'not a reference id: expected <reason>.<instance hex>.<epoch seconds>.<request hex>',
      );
    }
    const referenceId = normalizeReferenceId(id);
    return { referenceId, decoded, line: (await this.refusals.find(referenceId)) ?? null };
  }
}
