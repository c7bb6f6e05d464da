import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { GatewayError, ProblemCode } from '../common/problem/gateway-error';
import { decodeReferenceId, type DecodedReference } from '../common/problem/reference-id';
import { RefusalLog } from '../common/problem/refusal-log';
import { AdminGuard } from './admin.guard';

export interface ReferenceAnswer {
  referenceId: string;
  decoded: DecodedReference;
  /** The refusal's log line while this instance still holds it in memory; else look in the log. */
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
  constructor(private readonly refusals: RefusalLog) {}

  @Get(':id')
  lookUp(@Param('id') id: string): ReferenceAnswer {
    const decoded = decodeReferenceId(id);
    if (!decoded) {
      throw new GatewayError(
        ProblemCode.BadRequest,
        'not a reference id: expected <reason>.<instance hex>.<epoch seconds>.<request hex>',
      );
    }
    const referenceId = id.trim().toLowerCase();
    return { referenceId, decoded, line: this.refusals.find(referenceId) ?? null };
  }
}
