import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyBaseLogger, LogController } from 'fastify';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { PASSPORT_REQUEST_PROPERTIES } from './auth/passport-request-shape';
import { securityHeaders } from './common/http/security-headers';
import {
  createRootLogger,
  bindAdminRequestLoggers,
  loggingModule,
  loggingParams,
  nestJsLogger,
} from './common/logging/gateway-logging';
import { INSTANCE_ID, requestIdGenerator } from './common/problem/reference-id';
import { prepareConfiguration } from './config/config.module';
import type { Environment } from './config/load-config';
import { OpenApiDocument } from './openapi/openapi-document';
import { WEBHOOK_CONTEXT_PROPERTY } from './intake/webhook-context';

/**
 * How often Node looks for requests past `headersTimeoutMs` or `requestTimeoutMs` (README says
 * so). The sweep only visits connections with a request under way, so it is cheap.
 */
const CONNECTIONS_CHECKING_INTERVAL_MS = 500;

export interface CreateAppOptions {
  env?: Environment;
  /** Where logs go (stdout by default); tests capture them to check what is logged. */
  logDestination?: DestinationStream;
}

/**
 * Builds the gateway. Bodies are kept as raw Buffers for every media type: signatures cover the
 * exact bytes, and each vendor module parses its own format (an unlisted type is its 415).
 */
export async function createApp(options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const configuration = prepareConfiguration(options.env);
  const { config } = configuration;
  const logger = createRootLogger(config.log.level, options.logDestination);
  for (const warning of configuration.warnings) logger.warn(warning);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // One line per refusal (ProblemFilter) and per delivery is the record; per-request access
    // lines would double the log volume at webhook rates.
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request: its `reqId` binding goes through the redaction every
    // top-level key gets (REDACTED_PATHS), a few µs on each webhook for a logger Fastify itself
    // writes to only on rare errors. Lines about a request name it themselves (ProblemFilter's
    // requestId, the admin routes' req).
    childLoggerFactory: (parent: FastifyBaseLogger) => parent,
    bodyLimit: config.server.bodyLimitBytes,
    // Vendors wait 10-15 s at most; a request still unfinished after this is abandoned.
    requestTimeout: config.server.requestTimeoutMs,
    http: {
      // Headers must all arrive within this, so slow senders cannot hold sockets open.
      headersTimeout: config.server.headersTimeoutMs,
      // Node enforces both timeouts only when it sweeps its connections, every 30 s by
      // default: a 10 s limit then held for up to 40 s. Sweeping often holds them within this.
      connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
    },
    // The instance id and a counter: unique across restarts and instances, cheap, and the
    // source of the reference ids refusals carry.
    genReqId: requestIdGenerator(),
    // request.ip is always the socket's peer. X-Forwarded-For is read in one place only,
    // allowlist/inbound/forwarded-client.ts (hop by hop through the configured proxies), which
    // is stricter than Fastify's trustProxy about empty or malformed elements.
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
  bindAdminRequestLoggers(fastify, logger);

  const logging = loggingParams(logger);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(configuration, loggingModule(logging)),
    adapter,
    {
      bodyParser: false,
      logger: nestJsLogger(logging),
      abortOnError: false,
    },
  );
  app.get(OpenApiDocument).describe(app);
  const headers = securityHeaders();
  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
    done();
  });
  if (config.server.corsOrigins.length > 0) {
    app.enableCors({ origin: config.server.corsOrigins, methods: ['GET', 'POST'] });
  }
  logger.info({ instance: INSTANCE_ID }, `gateway instance ${INSTANCE_ID}`);
  // No enableShutdownHooks: main.ts owns SIGTERM/SIGINT (a graceful stop that exits 0), and
  // SIGHUP reloads the allow rules (AllowlistReloadService) instead of stopping.
  return app;
}
