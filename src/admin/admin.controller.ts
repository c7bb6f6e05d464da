import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ADMIN_PROBLEMS, ApiProblemResponses } from '../openapi/problem-responses.decorator';
import { ADMIN_SECURITY } from '../openapi/openapi-document';
import type { AdminPrincipal } from './session/admin-principal';
import { AdminGuard } from './admin.guard';
import { AdminPrincipalSchema } from './admin.openapi';

/** `GET /admin/whoami`: who the admin credentials belong to; a cheap way to check them. */
@ApiTags('admin')
@ApiBearerAuth(ADMIN_SECURITY)
@Controller('admin')
@UseGuards(AdminGuard)
export class AdminController {
  @Get('whoami')
  @ApiOperation({ summary: 'Who the admin credentials belong to; a cheap way to check them' })
  @ApiOkResponse({ type: AdminPrincipalSchema })
  @ApiProblemResponses(...ADMIN_PROBLEMS)
  whoami(@Req() request: FastifyRequest & { user?: AdminPrincipal }): AdminPrincipal {
    const { subject, mode } = request.user as AdminPrincipal;
    return { subject, mode };
  }
}
