import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AdminPrincipal } from './admin-principal';
import { AdminGuard } from './admin.guard';

/** `GET /admin/whoami`: who the admin credentials belong to; a cheap way to check them. */
@Controller('admin')
@UseGuards(AdminGuard)
export class AdminController {
  @Get('whoami')
  whoami(@Req() request: FastifyRequest & { user?: AdminPrincipal }): AdminPrincipal {
    const { subject, mode } = request.user as AdminPrincipal;
    return { subject, mode };
  }
}
