import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminAuthenticator } from '../../admin/admin-authenticator';
import { GatewayError, ProblemCode } from '../../common/problem/gateway-error';
import { type ConsoleAsset, loadConsoleAssets, loadShellTemplate } from './console-assets';
import { CONSOLE_SECURITY_HEADERS } from './console-security-headers';
import { renderShell } from './console-shell';

/**
 * The admin console: one page shell (`/admin/`, and `/admin/sign-in` where a failed sign-in
 * lands) and its files (`/admin/assets/:file`). Served without credentials: the shell shows only
 * the sign-in until `GET /admin/session` answers, and every datum comes from the admin API with
 * the session. With `admin.mode: disabled` every route here is a 404: the console is closed.
 */
@ApiExcludeController()
@Controller('admin')
export class AdminConsoleUiController {
  private readonly assets: ReadonlyMap<string, ConsoleAsset> = loadConsoleAssets();
  private readonly pages: { plain: string; failed: string };

  constructor(private readonly admins: AdminAuthenticator) {
    const template = loadShellTemplate();
    this.pages = {
      plain: renderShell(template, admins.mode, false),
      failed: renderShell(template, admins.mode, true),
    };
  }

  @Get()
  root(@Res({ passthrough: true }) reply: FastifyReply): string {
    this.ensureOpen();
    void reply.status(302).header('location', '/admin/').header('cache-control', 'no-store');
    return '';
  }

  /**
   * `/admin/` and `/admin/sign-in`. A wildcard, the one route parameter Nest lets be empty (it
   * also drops a path's trailing slash, so `/admin/` cannot be a plain route). Fastify tries the
   * admin API's routes first; any other path here is a 404 like any unknown route.
   */
  @Get('*')
  shell(
    @Param('*') name: string | undefined,
    @Query('error') error: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): string {
    this.ensureOpen();
    if (name !== undefined && name !== '' && name !== 'sign-in') {
      throw new GatewayError(ProblemCode.NotFound, 'No such resource');
    }
    const html = name === 'sign-in' && error !== undefined ? this.pages.failed : this.pages.plain;
    void reply
      .headers(CONSOLE_SECURITY_HEADERS)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store');
    return html;
  }

  @Get('assets/:file')
  asset(
    @Param('file') file: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Buffer | string {
    this.ensureOpen();
    const asset = this.assets.get(file);
    if (asset === undefined) throw new GatewayError(ProblemCode.NotFound, 'No such resource');
    // Revalidated on every use (cheap: a 304), so a new version is never mixed with an old one.
    void reply.header('cache-control', 'no-cache').header('etag', asset.etag);
    if (ifNoneMatch !== undefined && ifNoneMatch.split(/\s*,\s*/).includes(asset.etag)) {
      void reply.status(304);
      return '';
    }
    void reply.header('content-type', asset.type);
    return asset.body;
  }

  private ensureOpen(): void {
    if (this.admins.mode === 'disabled') {
      throw new GatewayError(ProblemCode.NotFound, 'No such resource');
    }
  }
}
