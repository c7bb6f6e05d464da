import { Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminPrincipal } from '../../admin/session/admin-principal';
import { AdminGuard } from '../../admin/admin.guard';
import { GatewayError, ProblemCode } from '../../common/problem/gateway-error';
import { GatewayConfig } from '../../config/gateway-config';
import { oidcConfigured } from '../../config/admin-session.settings';
import { AdminSessions } from '../../admin/session/admin-sessions';
import { assertSameOrigin } from '../../admin/session/csrf';
import { nextPath, readSignInBody } from './sign-in-body';

/** Where the console's sign-in form lives (served by the console pages). */
export const SIGN_IN_PAGE = '/admin/sign-in';
export const OIDC_LOGIN_PATH = '/admin/oidc/login';

/**
 * `/admin/session`: signing in to the admin console with the admin token (token mode), the
 * current session, and signing out. Sessions are cookies (see `AdminSessions`); API clients keep
 * using `Authorization: Bearer`.
 */
@ApiExcludeController()
@Controller('admin/session')
export class AdminSessionController {
  constructor(
    private readonly sessions: AdminSessions,
    private readonly config: GatewayConfig,
  ) {}

  /** Form post: 303 to the console (or back to the form with `?error=1`); JSON: 200 or 401. */
  @Post()
  async signIn(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (this.sessions.mode === 'disabled') throw this.closed();
    if (this.sessions.mode !== 'token') {
      throw new GatewayError(
        ProblemCode.NotFound,
        `token sign-in is not available in admin.mode jwt; sign in at ${OIDC_LOGIN_PATH}`,
      );
    }
    const body = readSignInBody(request);
    // Login CSRF: another site must not sign a browser in, not even with a token it knows.
    assertSameOrigin(request, this.config.server.publicBaseUrl);
    const good = body.token !== undefined && this.sessions.checkAdminToken(body.token);
    void reply.header('cache-control', 'no-store');
    if (!good) {
      if (body.kind === 'form') {
        return void reply.status(303).header('location', `${SIGN_IN_PAGE}?error=1`).send();
      }
      if (body.token === undefined) {
        throw new GatewayError(ProblemCode.BadRequest, 'token is required', {
          invalidParams: [{ name: 'token', reason: 'token is required' }],
        });
      }
      throw new GatewayError(ProblemCode.AdminUnauthorized, 'the admin token is wrong', {
        signIn: SIGN_IN_PAGE,
      });
    }
    const { session, cookie } = await this.sessions.start('admin');
    void reply.header('set-cookie', cookie);
    if (body.kind === 'form') {
      return void reply.status(303).header('location', nextPath(body.next)).send();
    }
    return void reply.status(200).send({
      subject: session.subject,
      expiresAt: new Date(session.expiresAt).toISOString(),
      csrfToken: session.csrfToken,
    });
  }

  /** The signed-in console user, with the CSRF token the pages send back on changes. */
  @Get()
  async current(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const signIn = this.signInPath();
    if (this.sessions.mode === 'disabled') {
      throw new GatewayError(
        ProblemCode.AdminUnauthorized,
        'the admin console is closed (admin.mode is disabled)',
        { adminMode: 'disabled', signIn },
      );
    }
    const session = await this.sessions.sessionOf(request).catch((error: unknown) => {
      throw new GatewayError(ProblemCode.AdminUnauthorized, (error as Error).message, {
        adminMode: this.sessions.mode,
        signIn,
      });
    });
    return void reply
      .status(200)
      .header('cache-control', 'no-store')
      .send({
        subject: session.subject,
        mode: session.mode,
        expiresAt: new Date(session.expiresAt).toISOString(),
        csrfToken: session.csrfToken,
      });
  }

  /** Drops the cookie. Needs the CSRF header like every change (AdminGuard checks it). */
  @Post('logout')
  @HttpCode(204)
  @UseGuards(AdminGuard)
  logout(
    @Req() _request: FastifyRequest & { user?: AdminPrincipal },
    @Res() reply: FastifyReply,
  ): void {
    void reply.status(204).header('set-cookie', this.sessions.endCookie()).send();
  }

  /** Where a signed-out browser signs in; null when the console cannot be signed in to. */
  private signInPath(): string | null {
    if (this.sessions.mode === 'token') return SIGN_IN_PAGE;
    if (this.sessions.mode === 'jwt' && oidcConfigured(this.config.admin.oidc)) {
      return OIDC_LOGIN_PATH;
    }
    return null;
  }

  private closed(): GatewayError {
    return new GatewayError(
      ProblemCode.NotFound,
      'the admin console is closed (admin.mode is disabled)',
    );
  }
}
