import type { DynamicModule } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Logger, LoggerModule, PinoLogger, type Params } from 'nestjs-pino';
// nestjs-pino keeps its out-of-request logger in a module global that only the first PinoLogger
// sets; see nestJsLogger below for why each app resets it.
import { __resetOutOfContextForTests as forgetOutOfRequestLogger } from 'nestjs-pino/PinoLogger';
import { Store, storage } from 'nestjs-pino/storage';
import pino, { type DestinationStream, type Logger as PinoRoot } from 'pino';

/**
 * Request and response headers whose values are credentials or signatures, lowercase as Node
 * gives them: the ones a caller authenticates with (basic, bearer and the vendors' JWTs all
 * travel in `authorization`), the admin console's session and CSRF token, and every signature
 * header a vendor module verifies. Nonces, timestamps and SNS's message-type headers stay
 * readable: they prove nothing on their own. A vendor module that reads a new secret header adds
 * it here.
 */
export const REDACTED_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-csrf-token',
  // Twilio and Twilio Voice.
  'x-twilio-signature',
  'x-plivo-signature-v2',
  'x-plivo-signature-v3',
  'telnyx-signature-ed25519',
  'x-sinch-webhook-signature',
  // Standard Webhooks.
  'webhook-signature',
  // Bird and MessageBird.
  'messagebird-signature',
  'messagebird-signature-jwt',
] as const;

/** Field names whose values are credentials, at the top of a log line or one level down. */
export const REDACTED_FIELDS = ['password', 'authToken'] as const;

/**
 * The one redaction list. Headers are covered under any top-level key (`req.headers` as every
 * request's lines carry them, `request.headers`, `err.headers`...) and at the top.
 */
export const REDACTED_PATHS: readonly string[] = [
  ...REDACTED_HEADERS.flatMap((name) => [`headers["${name}"]`, `*.headers["${name}"]`]),
  ...REDACTED_FIELDS.flatMap((name) => [name, `*.${name}`]),
];

export const REDACTED = '[redacted]';

/** The process's root logger: JSON lines with the service name and an ISO time. */
export function createRootLogger(level: string, destination?: DestinationStream): PinoRoot {
  return pino(
    {
      level,
      base: { service: 'b2c-webhook-gateway' },
      redact: { paths: [...REDACTED_PATHS], censor: REDACTED },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** What each request's log lines say about it; the query is left out, as it may carry tokens. */
interface LoggedRequest {
  id: unknown;
  method: string;
  path: string;
  headers: Record<string, unknown>;
}

function loggedRequest(request: FastifyRequest): LoggedRequest {
  return {
    id: request.id,
    method: request.method,
    path: request.url.split('?', 1)[0],
    headers: request.headers,
  };
}

/** Where a logger is bound to each request: the admin API and console. */
const REQUEST_LOGGER_PREFIX = '/admin';

/**
 * Gives every route under /admin an onRequest hook that binds a child of `root` carrying the
 * request (its id, method, path and headers, redacted) into nestjs-pino's store, so that every
 * `new Logger(context)` line written while the request is handled says which request it was.
 * nestjs-pino's own middleware would do the same through @fastify/middie, which then runs on
 * every request, webhooks included: mounted for every route with the webhook excluded it cost a
 * fifth of intake's CPU per webhook, mounted on /admin alone still several percent
 * (docs/benchmarks.md). A route hook costs the other routes nothing. Call before routes exist.
 */
export function bindAdminRequestLoggers(fastify: FastifyInstance, root: PinoRoot): void {
  const bind = (request: FastifyRequest, _reply: FastifyReply, done: () => void): void => {
    storage.run(new Store(root.child({ req: loggedRequest(request) })), done);
  };
  fastify.addHook('onRoute', (route) => {
    const { url } = route;
    if (url !== REQUEST_LOGGER_PREFIX && !url.startsWith(`${REQUEST_LOGGER_PREFIX}/`)) return;
    const existing = route.onRequest ?? [];
    route.onRequest = [...(Array.isArray(existing) ? existing : [existing]), bind];
  });
}

/**
 * nestjs-pino's settings: its Logger writes through `root`, or through the request's logger
 * bound by bindAdminRequestLoggers. Its request middleware is mounted nowhere (no routes).
 */
export function loggingParams(root: PinoRoot): Params {
  return { forRoutes: [], pinoHttp: { logger: root } };
}

/** nestjs-pino's module (its Logger and PinoLogger providers); AppModule imports it first. */
export function loggingModule(params: Params): DynamicModule {
  return LoggerModule.forRoot(params);
}

/**
 * Nest's logger, given to NestFactory.create so that its own lines, from the first one (and
 * those of a start that fails), are JSON through pino rather than buffered for later. Out of a
 * request it writes to `root`: nestjs-pino keeps that logger in a module global set once per
 * process, so it is reset here for each app (tests build several in one process, each with its
 * own destination and level; nestjs-pino issue #2221 suggests the same). Like Nest's own static
 * Logger, the newest app's settings then apply to every app still open in the process.
 */
export function nestJsLogger(params: Params): Logger {
  forgetOutOfRequestLogger();
  return new Logger(new PinoLogger(params), params);
}
