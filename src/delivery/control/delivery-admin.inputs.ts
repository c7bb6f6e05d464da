import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { GatewayError, ProblemCode } from '../../common/problem/gateway-error';
import { PAUSE_REASON_MAX } from './delivery-control-store.port';

/** Most blocked senders one answer lists: each is a small summary, not a payload. */
export const MAX_BLOCKED_SENDERS = 200;
export const DEFAULT_BLOCKED_SENDERS = 50;

/** `GET /admin/delivery?limit=`: how many blocked senders to list. */
export class DeliveryStatusQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_BLOCKED_SENDERS)
  limit?: number;
}

/** `POST /admin/delivery/pause`: an optional reason, shown to other admins. */
export class DeliveryPauseBody {
  @IsOptional()
  @IsString()
  @MaxLength(PAUSE_REASON_MAX)
  reason?: string;
}

/**
 * The pause's body: none at all, or a JSON object. Bodies arrive as raw bytes (vendors'
 * signatures cover them; see app.factory.ts), so they are parsed here.
 */
export function optionalJsonObject(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  const raw = Buffer.isBuffer(body) ? body.toString('utf8') : '';
  if (raw.trim() === '') return {};
  const type = String(request.headers['content-type'] ?? '')
    .split(';', 1)[0]
    .trim()
    .toLowerCase();
  if (type !== 'application/json') {
    throw new GatewayError(ProblemCode.UnsupportedMediaType, 'the body must be application/json');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new GatewayError(ProblemCode.BadRequest, 'the body is not valid JSON', {
      invalidParams: [{ name: 'body', reason: 'the body is not valid JSON' }],
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new GatewayError(ProblemCode.BadRequest, 'the body must be a JSON object', {
      invalidParams: [{ name: 'body', reason: 'the body must be a JSON object' }],
    });
  }
  return parsed as Record<string, unknown>;
}
