import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, ProblemCode } from '../../../common/problem/gateway-error';
import { AdminSessions } from '../../../admin/session/admin-sessions';
import { SIGN_IN_PAGE } from '../admin-session.controller';
import { nextPath } from '../sign-in-body';
import { OidcSignIn, type CallbackQuery } from './oidc-sign-in';
import { OidcSignInError } from './oidc-sign-in.error';

/**
 * `/admin/oidc/login` sends the browser to the identity domain; `/admin/oidc/callback` is where
 * it comes back with a code. Every failure of a sign-in under way is a 303 to
 * `/admin/sign-in?error=<code>` (never a 500); the routes are 404 where OIDC sign-in is not
 * configured (token or disabled mode, or jwt mode without `admin.oidc`).
 */
@ApiExcludeController()
@Controller('admin/oidc')
export class AdminOidcController {
  constructor(
    private readonly oidc: OidcSignIn,
    private readonly sessions: AdminSessions,
  ) {}

  @Get('login')
  async login(@Query('next') next: unknown, @Res() reply: FastifyReply): Promise<void> {
    this.ensureEnabled();
    void reply.header('cache-control', 'no-store');
    try {
      const begun = await this.oidc.begin(nextPath(typeof next === 'string' ? next : undefined));
      return void reply
        .status(302)
        .header('set-cookie', begun.cookie)
        .header('location', begun.location)
        .send();
    } catch (error) {
      return this.failed(reply, error);
    }
  }

  @Get('callback')
  async callback(
    @Req() request: FastifyRequest,
    @Query() query: CallbackQuery,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    this.ensureEnabled();
    void reply.header('cache-control', 'no-store');
    try {
      const { subject, next } = await this.oidc.finish(request.headers.cookie, query ?? {});
      const { cookie } = await this.sessions.start(subject);
      return void reply
        .status(303)
        .header('set-cookie', [this.oidc.endCookie(), cookie])
        .header('location', next)
        .send();
    } catch (error) {
      return this.failed(reply, error);
    }
  }

  private failed(reply: FastifyReply, error: unknown): void {
    const failure =
      error instanceof OidcSignInError
        ? error
        : new OidcSignInError('internal', error instanceof Error ? error.message : String(error));
    this.oidc.logFailure(error instanceof OidcSignInError ? error : (error as Error));
    void reply
      .status(303)
      .header('set-cookie', this.oidc.endCookie())
      .header('location', `${SIGN_IN_PAGE}?error=${failure.code}`)
      .send();
  }

  private ensureEnabled(): void {
    if (!this.oidc.enabled) {
      throw new GatewayError(
        ProblemCode.NotFound,
        'OIDC sign-in is not configured (it needs admin.mode jwt and admin.oidc)',
      );
    }
  }
}
