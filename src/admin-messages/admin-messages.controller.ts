import {
  Controller,
  Get,
  HttpCode,
  Param,
  type PipeTransform,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AdminPrincipal } from '../admin/session/admin-principal';
import { AdminGuard } from '../admin/admin.guard';
import { GatewayError, ProblemCode } from '../common/problem/gateway-error';
import { adminQueryPipe } from '../dead-letters/admin-validation.pipe';
import { ADMIN_SECURITY } from '../openapi/openapi-document';
import { ADMIN_PROBLEMS, ApiProblemResponses } from '../openapi/problem-responses.decorator';
import { jsonObjectBody } from './json-body';
import { MessageDetailSchema } from './message-detail.openapi';
import { MessageSearchQuery } from './message-filter.fields';
import { type MessagePage, MessageLogService } from './message-log.service';
import type { MessageDetail } from './message-log.view';
import { MessageReplayBody } from './message-replay.body';

type AdminRequest = FastifyRequest & { user?: AdminPrincipal };

/** A message id: a whole number the store can hold (larger ones would fail in the database). */
const idPipe: PipeTransform<string, number> = {
  transform: (value) => {
    const id = /^[0-9]{1,16}$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(id) || id < 1) {
      throw new GatewayError(ProblemCode.BadRequest, 'the message id is a whole number from 1', {
        invalidParams: [{ name: 'id', reason: 'the message id is a whole number from 1' }],
      });
    }
    return id;
  },
};

/**
 * `/admin/messages`: every message the gateway accepted, what became of it, and replaying the
 * dead ones. Admins only: messages hold the vendors' payloads and customers' numbers.
 */
@ApiTags('admin')
@ApiBearerAuth(ADMIN_SECURITY)
@Controller('admin/messages')
@UseGuards(AdminGuard)
export class AdminMessagesController {
  constructor(private readonly log: MessageLogService) {}

  @Get()
  search(@Query(adminQueryPipe) query: MessageSearchQuery): Promise<MessagePage> {
    return this.log.page(query);
  }

  @Post('replay')
  @HttpCode(202)
  async replay(@Req() request: AdminRequest): Promise<{ replayed: number }> {
    const body = (await adminQueryPipe.transform(jsonObjectBody(request), {
      type: 'body',
      metatype: MessageReplayBody,
    })) as MessageReplayBody;
    return { replayed: await this.log.replay(body, request.user!.subject) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One message: its state, checkpoint, payloads and attempt history' })
  @ApiParam({ name: 'id', description: "The message's `id`.", schema: { type: 'integer' } })
  @ApiOkResponse({ type: MessageDetailSchema })
  @ApiProblemResponses(ProblemCode.BadRequest, ProblemCode.NotFound, ...ADMIN_PROBLEMS)
  one(@Param('id', idPipe) id: number): Promise<MessageDetail> {
    return this.log.detail(id);
  }
}
