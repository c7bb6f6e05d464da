import { Controller, Get, HttpCode, Inject, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AdminPrincipal } from '../../admin/session/admin-principal';
import { AdminGuard } from '../../admin/admin.guard';
import { B2C_FLOW_CONTROL, type B2cFlowControl } from '../flow-control/b2c-flow-control.port';
import { ProblemCode } from '../../common/problem/gateway-error';
import { adminQueryPipe } from '../../dead-letters/admin-validation.pipe';
import { INBOX_STORE, type InboxStore } from '../../inbox/inbox-store.port';
import { ADMIN_SECURITY } from '../../openapi/openapi-document';
import { ADMIN_PROBLEMS, ApiProblemResponses } from '../../openapi/problem-responses.decorator';
import {
  DEFAULT_BLOCKED_SENDERS,
  DeliveryPauseBody,
  DeliveryStatusQuery,
  optionalJsonObject,
} from './delivery-admin.inputs';
import {
  DeliveryOverviewSchema,
  DeliveryPauseBodySchema,
  DeliveryStatusSchema,
} from './delivery-control.openapi';
import { DeliveryControl } from './delivery-control.service';
import {
  type BlockedSenderView,
  blockedSenderView,
  type DeliveryStatus,
  deliveryStatus,
} from './delivery-status.view';

type AdminRequest = FastifyRequest & { user?: AdminPrincipal };

/**
 * `/admin/delivery`: pausing and resuming delivery to B2C for every process on the store, and the
 * senders whose messages wait behind a failing one. Intake goes on while paused: webhooks are
 * accepted and stored, and delivered once resumed.
 */
@ApiTags('admin')
@ApiBearerAuth(ADMIN_SECURITY)
@Controller('admin/delivery')
@UseGuards(AdminGuard)
export class DeliveryAdminController {
  constructor(
    private readonly control: DeliveryControl,
    @Inject(B2C_FLOW_CONTROL) private readonly flow: B2cFlowControl,
    @Inject(INBOX_STORE) private readonly store: InboxStore,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Whether delivery is paused (by an admin, by B2C), and the blocked senders',
    description:
      'A blocked sender is one whose oldest pending message has failed at least once; ' +
      '`waiting` counts its later pending messages. Oldest blocking message first.',
  })
  @ApiOkResponse({ type: DeliveryOverviewSchema })
  @ApiProblemResponses(ProblemCode.BadRequest, ...ADMIN_PROBLEMS)
  async overview(
    @Query(adminQueryPipe) query: DeliveryStatusQuery,
  ): Promise<DeliveryStatus & { blockedSenders: BlockedSenderView[] }> {
    const blocked = await this.store.blockedSenders(query.limit ?? DEFAULT_BLOCKED_SENDERS);
    return { ...this.status(), blockedSenders: blocked.map(blockedSenderView) };
  }

  @Post('pause')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Pause delivery in every process until resumed; webhooks are still accepted',
    description: 'A pause already in force stays as it was (who paused, since when, why).',
  })
  @ApiBody({ type: DeliveryPauseBodySchema, required: false })
  @ApiOkResponse({ type: DeliveryStatusSchema })
  @ApiProblemResponses(ProblemCode.BadRequest, ProblemCode.UnsupportedMediaType, ...ADMIN_PROBLEMS)
  async pause(@Req() request: AdminRequest): Promise<DeliveryStatus> {
    const body = (await adminQueryPipe.transform(optionalJsonObject(request), {
      type: 'body',
      metatype: DeliveryPauseBody,
    })) as DeliveryPauseBody;
    await this.control.pause(request.user!.subject, body.reason);
    return this.status();
  }

  @Post('resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume delivery in every process; the worker starts at once' })
  @ApiOkResponse({ type: DeliveryStatusSchema })
  @ApiProblemResponses(...ADMIN_PROBLEMS)
  async resume(@Req() request: AdminRequest): Promise<DeliveryStatus> {
    await this.control.resume(request.user!.subject);
    return this.status();
  }

  private status(): DeliveryStatus {
    return deliveryStatus(this.control.current(), this.flow.pausedUntil(), Date.now());
  }
}
