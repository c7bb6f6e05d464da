/**
 * The REST entry point: one catch-all Fastify route under /services/rest/connect, so that every
 * request (known resource or not) goes through the same steps in the same order:
 *
 *   request log -> injected faults -> version -> authorization (Basic, Session or Bearer, see
 *   emulator-auth.ts) -> OSvC-CREST-Application-Context
 *   -> resource route and method -> JSON body -> handler
 *
 * Every failure becomes Oracle's error body; unexpected exceptions become 500 OSC-CREST-00008 and
 * are logged, but bad input is always answered with a 4xx before it can reach one.
 *
 * Header rules from https://docs.oracle.com/en/cloud/saas/b2c-service/cxsvc/c_osvc_custom_headers.html:
 * OSvC-CREST-Application-Context is required from v1.4 on ("Your request will fail with a 400 Bad
 * Request error if you do not provide this header") and "The maximum length of the text is 40
 * characters. If you use more than 40 characters, then a Bad Request error occurs." The emulator
 * follows that documented rule and rejects longer values with 400 instead of truncating them.
 * v1.3 does not require the header ("Only required for Connect v1.4",
 * https://cx.rightnow.com/app/answers/detail/a_id/10785). `latest` is v1.4, the newest version.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SqliteError } from 'better-sqlite3';

import { checkAuthorization, type EmulatorAuthOptions } from './emulator-auth';
import {
  APPLICATION_CONTEXT_HEADER,
  APPLICATION_CONTEXT_MAX_LENGTH,
  CONTROL_BYPASS_HEADER,
} from './emulator-headers';
import { EmulatorStore } from './emulator-store';
import { FaultRegistry } from './faults';
import { EmulatorHttpError, ErrorCode, oracleErrorBody } from './oracle-error';
import { matchRoute, RestAnswer } from './rest-handlers';
import { readRestRequest, REST_PREFIX, RestRequest, singleHeader } from './rest-request';
import { RecordedRequest, redactHeaders, RequestLog } from './request-log';
import { RoqlSyntaxError } from './roql';
import { RoqlSemanticError } from './roql-sql';

export const SUPPORTED_VERSIONS: readonly string[] = ['v1.3', 'v1.4', 'latest'];
/** Versions that require OSvC-CREST-Application-Context. */
const CONTEXT_REQUIRED_VERSIONS: readonly string[] = ['v1.4', 'latest'];

export interface RestDependencies extends EmulatorAuthOptions {
  store: EmulatorStore;
  faults: FaultRegistry;
  requestLog: RequestLog;
  now: () => number;
  /** Promises of requests still being processed; closing waits for them before the DB closes. */
  inFlight: Set<Promise<unknown>>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function checkApplicationContext(request: RestRequest): void {
  if (!CONTEXT_REQUIRED_VERSIONS.includes(request.version)) return;
  const value = singleHeader(request.headers[APPLICATION_CONTEXT_HEADER]);
  if (value === undefined || value.trim() === '') {
    throw new EmulatorHttpError(
      400,
      ErrorCode.UnsupportedManner,
      `The OSvC-CREST-Application-Context header is required for Connect REST API ${request.version}`,
    );
  }
  if ([...value].length > APPLICATION_CONTEXT_MAX_LENGTH) {
    throw new EmulatorHttpError(
      400,
      ErrorCode.UnsupportedManner,
      `The OSvC-CREST-Application-Context header must not exceed ${APPLICATION_CONTEXT_MAX_LENGTH} characters`,
    );
  }
}

function checkJsonBody(request: RestRequest): void {
  if (request.rawBody === undefined || request.rawBody.trim() === '') {
    throw new EmulatorHttpError(400, ErrorCode.NoPostData, 'No POST data was found in the request');
  }
  const contentType = singleHeader(request.headers['content-type']) ?? '';
  const mediaType = contentType.split(';', 1)[0].trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new EmulatorHttpError(
      415,
      ErrorCode.UnsupportedManner,
      `Request bodies must be application/json, not '${contentType || 'none'}'`,
    );
  }
  if (!request.bodyIsJson) {
    throw new EmulatorHttpError(400, ErrorCode.BadJson, 'The request body is not valid JSON');
  }
}

function errorAnswer(request: RestRequest, error: EmulatorHttpError): RestAnswer {
  return {
    status: error.status,
    body: oracleErrorBody(request.origin, request.fullPath, error),
    headers: { ...error.headers },
  };
}

async function processRequest(
  request: RestRequest,
  bypassFaults: boolean,
  deps: RestDependencies,
  fastifyRequest: FastifyRequest,
): Promise<RestAnswer> {
  try {
    if (!bypassFaults) {
      const decision = deps.faults.decide(request.method, request.path);
      // The delay comes first and the request is processed afterwards whatever the client does,
      // like a slow server that still commits a request whose client timed out.
      if (decision.latencyMs > 0) await sleep(decision.latencyMs);
      if (decision.answer) {
        const { status, errorCode, detail, headers, title } = decision.answer;
        throw new EmulatorHttpError(status, errorCode, detail, headers, title);
      }
    }
    if (request.version === '') {
      throw new EmulatorHttpError(
        404,
        ErrorCode.UnrecognizedResource,
        `No API version in the URL; use ${SUPPORTED_VERSIONS.join(', ')}`,
      );
    }
    if (!SUPPORTED_VERSIONS.includes(request.version)) {
      throw new EmulatorHttpError(
        404,
        ErrorCode.UnsupportedVersion,
        `Connect REST API version '${request.version}' is not supported; use ${SUPPORTED_VERSIONS.join(', ')}`,
      );
    }
    await checkAuthorization(singleHeader(request.headers.authorization), deps);
    checkApplicationContext(request);

    const match = request.segments ? matchRoute(request.segments) : undefined;
    if (!match) {
      throw new EmulatorHttpError(
        404,
        ErrorCode.UnrecognizedResource,
        `The resource '${request.path}' was not recognized`,
      );
    }
    const handler = match.route.methods[request.method];
    if (!handler) {
      const allowed = Object.keys(match.route.methods).join(', ');
      throw new EmulatorHttpError(
        405,
        ErrorCode.UnsupportedMethod,
        `${request.method} is not supported on '${request.path}'; use ${allowed}`,
        { allow: allowed },
      );
    }
    if (request.method === 'POST' || request.method === 'PATCH') checkJsonBody(request);
    return handler(request, match.ids, { store: deps.store, now: deps.now });
  } catch (error) {
    if (error instanceof EmulatorHttpError) return errorAnswer(request, error);
    if (error instanceof RoqlSyntaxError || error instanceof RoqlSemanticError) {
      return errorAnswer(
        request,
        new EmulatorHttpError(
          400,
          ErrorCode.InvalidQueryParameter,
          `Invalid ROQL: ${error.message}`,
        ),
      );
    }
    if (
      error instanceof SqliteError &&
      /^\/(contacts|incidents|queryResults)$/.test(request.path)
    ) {
      // Defence in depth: a ROQL query SQLite refused is still the client's bad query, not a 500.
      fastifyRequest.log.warn({ err: error }, 'SQLite refused a query built from ROQL');
      return errorAnswer(
        request,
        new EmulatorHttpError(
          400,
          ErrorCode.InvalidQueryParameter,
          'The ROQL query could not be run',
        ),
      );
    }
    fastifyRequest.log.error({ err: error }, 'B2C emulator failed to process a request');
    return errorAnswer(
      request,
      new EmulatorHttpError(500, ErrorCode.Internal, 'An internal error occurred in the emulator'),
    );
  }
}

function send(reply: FastifyReply, answer: RestAnswer): FastifyReply {
  reply.code(answer.status);
  for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
  if (answer.body === undefined) return reply.send();
  return reply.type(JSON_TYPE).send(JSON.stringify(answer.body));
}

/**
 * Deeper bodies are logged as null. JSON.parse accepts nesting that JSON.stringify cannot write
 * back on Node 20 and 24 (a stack overflow at a few thousand levels), which would break
 * GET /_emulator/requests for good; Node 26 writes it back, and then every reader of the log
 * (a test's deep equality, its failure message) recurses as deep. One bound, the same on every
 * line; no B2C payload nests past a handful of levels.
 */
const LOGGABLE_DEPTH = 100;

/** The body as the log keeps it: parsed JSON, or null when absent, invalid or nested too deep. */
function loggableBody(request: RestRequest): unknown {
  if (!request.bodyIsJson) return null;
  return nestedDeeperThan(request.body, LOGGABLE_DEPTH) ? null : request.body;
}

/** Whether parsed JSON nests past `limit` arrays or objects, walked without recursion. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.value === null || typeof next.value !== 'object') continue;
    if (next.depth >= limit) return true;
    for (const child of Object.values(next.value)) {
      pending.push({ value: child, depth: next.depth + 1 });
    }
  }
  return false;
}

function recordArrival(log: RequestLog, request: RestRequest): RecordedRequest {
  return log.record({
    method: request.method,
    path: request.path,
    version: request.version,
    query: request.query,
    headers: redactHeaders(request.headers),
    body: loggableBody(request),
    status: null,
    at: new Date().toISOString(),
  });
}

/**
 * Answers an error Fastify raised before the REST handler ran (malformed URL, body too large...)
 * in Oracle's shape under the REST prefix, and logs the request unless it was logged already.
 */
function answerEarlyError(
  requestLog: RequestLog,
  alreadyLogged: boolean,
  fastifyRequest: FastifyRequest,
  reply: FastifyReply,
  error: EmulatorHttpError,
): FastifyReply {
  if (!fastifyRequest.url.startsWith(REST_PREFIX)) {
    return reply
      .code(error.status)
      .type(JSON_TYPE)
      .send(JSON.stringify({ error: error.detail }));
  }
  const request = readRestRequest(fastifyRequest);
  if (!alreadyLogged) {
    const entry = recordArrival(requestLog, { ...request, body: undefined, bodyIsJson: false });
    entry.status = error.status;
  }
  return send(reply, errorAnswer(request, error));
}

/** For Fastify's `frameworkErrors` option: errors raised while routing, e.g. a bad URL. */
export function frameworkErrorHandler(
  requestLog: RequestLog,
): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, fastifyRequest, reply) => {
    const badUrl = error.code === 'FST_ERR_BAD_URL';
    const answer = badUrl
      ? new EmulatorHttpError(404, ErrorCode.UnrecognizedResource, 'The URL is not valid')
      : new EmulatorHttpError(400, ErrorCode.UnsupportedManner, error.message);
    answerEarlyError(requestLog, false, fastifyRequest, reply, answer);
  };
}

export function registerRestRoutes(app: FastifyInstance, deps: RestDependencies): void {
  // Requests logged by the handler; the error handler logs the rest (e.g. bodies too large).
  const logged = new WeakSet<FastifyRequest>();

  const handler = async (fastifyRequest: FastifyRequest, reply: FastifyReply) => {
    const request = readRestRequest(fastifyRequest);
    const bypass = singleHeader(fastifyRequest.headers[CONTROL_BYPASS_HEADER]) === 'true';
    let entry: RecordedRequest | undefined;
    if (!bypass) {
      entry = recordArrival(deps.requestLog, request);
      logged.add(fastifyRequest);
    }
    const work = processRequest(request, bypass, deps, fastifyRequest);
    deps.inFlight.add(work);
    try {
      const answer = await work;
      if (entry) entry.status = answer.status;
      return send(reply, answer);
    } finally {
      deps.inFlight.delete(work);
    }
  };

  app.all(REST_PREFIX, handler);
  app.all(`${REST_PREFIX}/*`, handler);

  app.setErrorHandler((error: FastifyError, fastifyRequest, reply) => {
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500;
    if (status >= 500) fastifyRequest.log.error({ err: error }, 'B2C emulator request failed');
    const errorCode =
      status >= 500
        ? ErrorCode.Internal
        : status === 400
          ? ErrorCode.BadJson
          : ErrorCode.UnsupportedManner;
    const message = status >= 500 ? 'An internal error occurred in the emulator' : error.message;
    const answer = new EmulatorHttpError(status, errorCode, message);
    return answerEarlyError(
      deps.requestLog,
      logged.has(fastifyRequest),
      fastifyRequest,
      reply,
      answer,
    );
  });

  app.setNotFoundHandler((fastifyRequest, reply) => {
    const request = readRestRequest(fastifyRequest);
    const answer = errorAnswer(
      request,
      new EmulatorHttpError(
        404,
        ErrorCode.UnrecognizedResource,
        `The resource '${request.fullPath}' was not recognized`,
      ),
    );
    return send(reply, answer);
  });
}
