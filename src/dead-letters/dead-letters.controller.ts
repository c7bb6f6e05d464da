import {
  Controller,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AdminPrincipal } from '../admin/session/admin-principal';
import { AdminGuard } from '../admin/admin.guard';
import { GatewayError, ProblemCode } from '../common/problem/gateway-error';
import { ADMIN_SECURITY } from '../openapi/openapi-document';
import { ADMIN_PROBLEMS, ApiProblemResponses } from '../openapi/problem-responses.decorator';
import { DeadLetterPageSchema, ReplayedSchema } from './dead-letters.openapi';
import { adminQueryPipe } from './admin-validation.pipe';
import { DEFAULT_PAGE, DeadLetterPageQuery, MAX_PAGE, ReplayAllQuery } from './dead-letter-queries';
import { type DeadLetterPage, DeadLettersService } from './dead-letters.service';

type AdminRequest = FastifyRequest & { user?: AdminPrincipal };

const idPipe = new ParseIntPipe({
  exceptionFactory: () =>
    new GatewayError(ProblemCode.BadRequest, 'the dead letter id is a whole number'),
});

/**
 * `/admin/dead-letters`: what B2C refused for good, or what outlasted every retry, and replaying
 * it once the cause is fixed. Admins only: dead letters hold the vendors' payloads.
 */
@ApiTags('admin')
@ApiBearerAuth(ADMIN_SECURITY)
@Controller('admin/dead-letters')
@UseGuards(AdminGuard)
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  @ApiOperation({ summary: 'One page of dead letters, oldest first' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE },
  })
  @ApiQuery({
    name: 'after',
    required: false,
    description: 'The `next` of the page before.',
    schema: { type: 'integer', minimum: 0 },
  })
  @ApiOkResponse({ type: DeadLetterPageSchema })
  @ApiProblemResponses(ProblemCode.BadRequest, ...ADMIN_PROBLEMS)
  list(@Query(adminQueryPipe) query: DeadLetterPageQuery): Promise<DeadLetterPage> {
    return this.deadLetters.page(query.limit ?? DEFAULT_PAGE, query.after ?? 0);
  }

  @Post('replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Every dead letter (of one vendor) back to pending, due now' })
  @ApiQuery({ name: 'vendor', required: false, example: 'twilio' })
  @ApiAcceptedResponse({ type: ReplayedSchema })
  @ApiProblemResponses(ProblemCode.BadRequest, ...ADMIN_PROBLEMS)
  async replayAll(
    @Query(adminQueryPipe) query: ReplayAllQuery,
    @Req() request: AdminRequest,
  ): Promise<{ replayed: number }> {
    const replayed = await this.deadLetters.replay(
      { all: true, vendor: query.vendor },
      request.user!.subject,
    );
    return { replayed };
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'One dead letter back to pending, due now' })
  @ApiParam({ name: 'id', description: "The dead letter's `id`.", schema: { type: 'integer' } })
  @ApiAcceptedResponse({ type: ReplayedSchema })
  @ApiProblemResponses(ProblemCode.BadRequest, ProblemCode.NotFound, ...ADMIN_PROBLEMS)
  async replayOne(
    @Param('id', idPipe) id: number,
    @Req() request: AdminRequest,
  ): Promise<{ replayed: number }> {
    const replayed = await this.deadLetters.replay({ seq: id }, request.user!.subject);
    if (replayed === 0) throw new GatewayError(ProblemCode.NotFound, `no dead letter ${id}`);
    return { replayed };
  }
}
