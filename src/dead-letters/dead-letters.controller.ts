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
  ValidationPipe,
} from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import type { AdminPrincipal } from '../admin/admin-principal';
import { AdminGuard } from '../admin/admin.guard';
import { GatewayError, ProblemCode } from '../common/problem/gateway-error';
import { DEFAULT_PAGE, DeadLetterPageQuery, ReplayAllQuery } from './dead-letter-queries';
import { type DeadLetterPage, DeadLettersService } from './dead-letters.service';

type AdminRequest = FastifyRequest & { user?: AdminPrincipal };

/** Strict: an unknown or misspelt parameter is a 400, not silently a different request. */
const queryPipe = new ValidationPipe({
  transform: true,
  whitelist: true,
  forbidNonWhitelisted: true,
  exceptionFactory: (errors: ValidationError[]) =>
    new GatewayError(
      ProblemCode.BadRequest,
      errors.flatMap((error) => Object.values(error.constraints ?? {})).join('; '),
    ),
});

const idPipe = new ParseIntPipe({
  exceptionFactory: () =>
    new GatewayError(ProblemCode.BadRequest, 'the dead letter id is a whole number'),
});

/**
 * `/admin/dead-letters`: what B2C refused for good, or what outlasted every retry, and replaying
 * it once the cause is fixed. Admins only: dead letters hold the vendors' payloads.
 */
@Controller('admin/dead-letters')
@UseGuards(AdminGuard)
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  list(@Query(queryPipe) query: DeadLetterPageQuery): Promise<DeadLetterPage> {
    return this.deadLetters.page(query.limit ?? DEFAULT_PAGE, query.after ?? 0);
  }

  @Post('replay')
  @HttpCode(202)
  async replayAll(
    @Query(queryPipe) query: ReplayAllQuery,
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
  async replayOne(
    @Param('id', idPipe) id: number,
    @Req() request: AdminRequest,
  ): Promise<{ replayed: number }> {
    const replayed = await this.deadLetters.replay({ seq: id }, request.user!.subject);
    if (replayed === 0) throw new GatewayError(ProblemCode.NotFound, `no dead letter ${id}`);
    return { replayed };
  }
}
