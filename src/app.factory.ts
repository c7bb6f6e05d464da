import { randomBytes } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { PASSPORT_REQUEST_PROPERTIES } from './auth/passport-request-shape';
import { createRootLogger } from './common/logging/root-logger';
import { PinoNestLogger } from './common/logging/pino-nest-logger';
import { ProblemFilter } from './common/problem/problem.filter';
import { prepareConfiguration } from './config/config.module';
import type { Environment } from './config/load-config';
import { WEBHOOK_CONTEXT_PROPERTY } from './vendors/webhook-context';

export interface CreateAppOptions {
  env?: Environment;
  /** Where logs go (stdout by default); tests capture them to check what is logged. */
  logDestination?: DestinationStream;
}

/**
 * Request ids: a random per-process prefix and a counter. Unique across restarts and instances,
 * and cheap: they are correlation ids, not secrets.
 */
function requestIds(): () => string {
  const prefix = randomBytes(4).toString('hex');
  let counter = 0;
  return () => `${prefix}${(counter += 1).toString(16).padStart(8, '0')}`;
}

/**
 * Builds the gateway. Bodies are kept as raw Buffers for every media type: signatures cover the
 * exact bytes, and each vendor module parses its own format (an unlisted type is its 415).
 */
export async function createApp(options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const configuration = prepareConfiguration(options.env);
  const { config } = configuration;
  const logger = createRootLogger(config.log.level, options.logDestination);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // One line per refusal (ProblemFilter) and per delivery is the record; per-request access
    // lines would double the log volume at webhook rates.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.server.bodyLimitBytes,
    // Vendors wait 10-15 s at most; a request still unfinished after 30 s is abandoned.
    requestTimeout: 30_000,
    genReqId: requestIds(),
    // No proxy is trusted: X-Forwarded-* headers do not change the client address.
    trustProxy: false,
  });
  const fastify = adapter.getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
  for (const property of [...PASSPORT_REQUEST_PROPERTIES, WEBHOOK_CONTEXT_PROPERTY]) {
    fastify.decorateRequest(property, null);
  }

  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(configuration),
    adapter,
    {
      bodyParser: false,
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    },
  );
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  return app;
}
