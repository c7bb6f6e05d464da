/** Shared by the /_emulator/ control routes: their prefix, JSON replies and JSON bodies. */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const CONTROL_PREFIX = '/_emulator';

const JSON_TYPE = 'application/json; charset=utf-8';

export function json(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type(JSON_TYPE).send(JSON.stringify(body));
}

export function readJsonBody(
  request: FastifyRequest,
): { ok: true; value: unknown } | { ok: false } {
  if (typeof request.body !== 'string' || request.body.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(request.body) as unknown };
  } catch {
    return { ok: false };
  }
}
