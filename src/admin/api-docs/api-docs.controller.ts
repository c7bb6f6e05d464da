import { Controller, Get, Param, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminGuard } from '../admin.guard';
import { GatewayError, ProblemCode } from '../../common/problem/gateway-error';
import { DOCS_SECURITY_HEADERS } from './docs-security-headers';
import { OpenApiDocument } from '../../openapi/openapi-document';
import {
  INIT_SCRIPT_NAME,
  SWAGGER_UI_ASSETS,
  SWAGGER_UI_HTML,
  SWAGGER_UI_INIT_SCRIPT,
  swaggerUiAsset,
} from './swagger-ui-page';

/**
 * `/admin/api-docs`: the OpenAPI document (`/admin/api-docs/json`) and Swagger UI to read it,
 * every file served by the gateway. A Nest controller rather than `SwaggerModule.setup`, whose
 * routes are plain Fastify routes: they would skip the admin guard, the inbound allow rules and
 * the problem+json filter that every `/admin` route goes through.
 */
@ApiExcludeController()
@Controller('admin/api-docs')
@UseGuards(AdminGuard)
export class ApiDocsController {
  constructor(private readonly document: OpenApiDocument) {}

  @Get()
  page(@Res({ passthrough: true }) reply: FastifyReply): string {
    void reply
      .headers(DOCS_SECURITY_HEADERS)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store');
    return SWAGGER_UI_HTML;
  }

  @Get('json')
  json(@Res({ passthrough: true }) reply: FastifyReply): string {
    void reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'no-store');
    return JSON.stringify(this.document.get());
  }

  @Get(':file')
  async file(
    @Param('file') file: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | string> {
    if (file === INIT_SCRIPT_NAME) {
      void reply.header('content-type', 'text/javascript; charset=utf-8');
      return SWAGGER_UI_INIT_SCRIPT;
    }
    if (!Object.hasOwn(SWAGGER_UI_ASSETS, file)) {
      throw new GatewayError(ProblemCode.NotFound, 'No such resource');
    }
    // Behind admin credentials: a shared cache must not keep it; the browser may, a while.
    void reply
      .header('content-type', SWAGGER_UI_ASSETS[file])
      .header('cache-control', 'private, max-age=3600');
    return swaggerUiAsset(file);
  }
}
