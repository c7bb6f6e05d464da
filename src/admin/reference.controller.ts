import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { GatewayError, ProblemCode } from '../common/problem/gateway-error';
import { decodeReferenceId, type DecodedReference } from '../common/problem/reference-id';
import {
  normalizeReferenceId,
  REFUSAL_LOG,
  type RefusalLog,
} from '../common/problem/refusal-log.port';
import { AdminGuard } from './admin.guard';

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
@Controller('admin/references')
@UseGuards(AdminGuard)
export class ReferenceController {
  constructor(@Inject(REFUSAL_LOG) private readonly refusals: RefusalLog) {}

  @Get(':id')
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
