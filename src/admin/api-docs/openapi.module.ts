import { Module } from '@nestjs/common';
import { AdminModule } from '../admin.module';
import { ApiDocsController } from './api-docs.controller';
import { OpenApiDocument } from '../../openapi/openapi-document';

/**
 * `/admin/api-docs`: the OpenAPI document of every route and Swagger UI, for admins. The
 * application factory hands the application to `OpenApiDocument` (`OpenApiDocument.describe`).
 */
@Module({
  imports: [AdminModule],
  controllers: [ApiDocsController],
  providers: [OpenApiDocument],
  exports: [OpenApiDocument],
})
export class OpenApiModule {}
