import type { FastifyRequest } from 'fastify';
import { GatewayError, ProblemCode } from '../common/problem/gateway-error';

/**
 * An admin request's JSON object body. The gateway keeps every body as raw bytes (vendors'
 * signatures cover them; see app.factory.ts), so admin routes that take JSON parse it here.
 */
export function jsonObjectBody(request: FastifyRequest): Record<string, unknown> {
  const type = String(request.headers['content-type'] ?? '')
    .split(';', 1)[0]
    .trim()
    .toLowerCase();
  if (type !== 'application/json') {
    throw new GatewayError(ProblemCode.UnsupportedMediaType, 'the body must be application/json');
  }
  const body = request.body;
  let parsed: unknown;
  try {
    // Bodies arrive as a Buffer (the catch-all parser); none at all is not JSON either.
    parsed = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : '');
  } catch {
    throw new GatewayError(ProblemCode.BadRequest, 'the body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new GatewayError(ProblemCode.BadRequest, 'the body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}
