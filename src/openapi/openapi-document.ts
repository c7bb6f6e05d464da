import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type INestApplication, Injectable } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** The security scheme name the admin routes' `@ApiBearerAuth(ADMIN_SECURITY)` refer to. */
export const ADMIN_SECURITY = 'admin';

/** src/openapi/ and dist/openapi/ alike sit two levels below the package. */
function packageVersion(): string {
  const manifest = JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'),
  ) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
}

/**
 * The gateway's OpenAPI document, scanned from the controllers' decorators. Built on first use
 * (scanning every route costs a moment) and kept: routes do not change while the app runs.
 */
@Injectable()
export class OpenApiDocument {
  private app: INestApplication | undefined;
  private document: OpenAPIObject | undefined;

  /** app.factory.ts hands the application over once it exists: scanning needs it. */
  describe(app: INestApplication): void {
    this.app = app;
    this.document = undefined;
  }

  get(): OpenAPIObject {
    if (!this.app) throw new Error('the OpenAPI document has no application to describe');
    this.document ??= SwaggerModule.createDocument(this.app, buildConfig());
    return this.document;
  }
}

function buildConfig(): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle('B2C webhook gateway')
    .setDescription(
      'SMS vendors post webhooks to `/vendors/{name}/webhook`; the gateway verifies, stores and ' +
        'delivers them to Oracle B2C Service as incidents. `/admin` routes need admin ' +
        'credentials (`admin.mode`). Every refusal is an RFC 9457 `application/problem+json` ' +
        'document whose `referenceId` an admin can look up.',
    )
    .setVersion(packageVersion())
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description:
          '`admin.mode: token`: the configured token. `admin.mode: jwt`: an access token of ' +
          'the configured identity domain.',
      },
      ADMIN_SECURITY,
    )
    .build();
}
