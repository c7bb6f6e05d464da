/**
 * Oracle B2C Service (Connect REST API) emulator: a plain Fastify app over a SQLite file, for local
 * development, demos and the gateway's tests. See emulator-routes.ts for the REST behaviour and
 * control-routes.ts for the unauthenticated /_emulator/ control API (the reason the emulator binds
 * to 127.0.0.1 by default).
 */
import type { AddressInfo } from 'node:net';

import Fastify, { FastifyBaseLogger, FastifyInstance } from 'fastify';

import { registerControlRoutes } from './control-routes';
import type { EmulatorOAuthOptions } from './emulator-auth';
import { frameworkErrorHandler, registerRestRoutes } from './emulator-routes';
import { EmulatorStore } from './emulator-store';
import { FaultRegistry } from './faults';
import { DEFAULT_REQUEST_LOG_LIMIT, RequestLog } from './request-log';

export interface EmulatorOptions {
  /** SQLite file (created if missing) or ':memory:'. */
  dbFile: string;
  /** HTTP Basic credentials of the staff account; always accepted. */
  username: string;
  password: string;
  /** Also accept `Authorization: Bearer <JWT>` from this identity provider (see emulator-auth.ts). */
  oauth?: EmulatorOAuthOptions;
  /** Also accept `Authorization: Session <id>` for these ids. */
  sessionIds?: readonly string[];
  /** Interface to bind; default 127.0.0.1 because /_emulator/ has no authentication. */
  host?: string;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** A pino (or pino-compatible) logger, or false/undefined for none. */
  logger?: FastifyBaseLogger | false;
  /** Most requests kept by the request log (oldest dropped first); default 10,000. */
  requestLogLimit?: number;
  /** Largest request body accepted, in bytes; default 1 MiB. */
  bodyLimit?: number;
  /** The emulator's clock in epoch milliseconds (default Date.now), for tests of times. */
  now?: () => number;
}

export interface RunningEmulator {
  /** Origin of the emulator, e.g. http://127.0.0.1:41234 (REST base: `${url}/services/rest/connect/v1.4`). */
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_HOST = '127.0.0.1';

/** Builds the app without listening, for in-process tests (`app.inject`) or custom servers. */
export function createEmulatorApp(options: EmulatorOptions): FastifyInstance {
  const store = new EmulatorStore(options.dbFile);
  const faults = new FaultRegistry();
  const requestLog = new RequestLog(options.requestLogLimit ?? DEFAULT_REQUEST_LOG_LIMIT);
  const inFlight = new Set<Promise<unknown>>();
  const now = options.now ?? Date.now;

  const common = {
    // The REST catch-all route is a wildcard parameter: allow long resource paths.
    routerOptions: { maxParamLength: 2048 },
    bodyLimit: options.bodyLimit,
    // Malformed URLs are refused while routing; answer them in Oracle's shape too.
    frameworkErrors: frameworkErrorHandler(requestLog),
  };
  const app: FastifyInstance = options.logger
    ? Fastify({ ...common, loggerInstance: options.logger })
    : Fastify({ ...common, logger: false });

  // Bodies are read as text and parsed by the routes, so that malformed JSON is answered in
  // Oracle's error shape and still shows up in the request log.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  registerRestRoutes(app, {
    store,
    faults,
    requestLog,
    username: options.username,
    password: options.password,
    oauth: options.oauth,
    sessionIds: options.sessionIds,
    now,
    inFlight,
  });
  registerControlRoutes(app, { store, faults, requestLog, now });

  app.addHook('onClose', async () => {
    // A request delayed by an injected latency may still be running after its client left;
    // let it finish its write before the database goes away.
    await Promise.allSettled([...inFlight]);
    store.close();
  });
  return app;
}

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const app = createEmulatorApp(options);
  const host = options.host ?? DEFAULT_HOST;
  try {
    await app.listen({ host, port: options.port ?? 0 });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  // A wildcard bind is reachable on loopback; report that rather than an unroutable 0.0.0.0.
  const reachable =
    address.address === '0.0.0.0'
      ? '127.0.0.1'
      : address.address === '::'
        ? '::1'
        : address.address;
  const urlHost = address.family === 'IPv6' ? `[${reachable}]` : reachable;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    close: () => (closing ??= app.close()),
  };
}
