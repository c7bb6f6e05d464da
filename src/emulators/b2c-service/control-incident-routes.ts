/**
 * Control routes that play the agent's side of a conversation, which the Connect REST API leaves
 * to the agent console: answer an incident (a Staff Account entry, status Waiting) and set its
 * status. Replies are plain JSON; errors are `{ error }` with 400 or 404.
 *
 *   POST /_emulator/incidents/:id/responses  { text, contentType?: 'text/plain' | 'text/html' }
 *        -> 201 { id }   (the new thread entry's id)
 *   POST /_emulator/incidents/:id/status     { lookupName }   (or { id })
 *        -> 200 { statusWithType }
 *
 * An incident's threads, with their entry types, are read with GET .../incidents/:id/threads.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { CONTROL_PREFIX, json, readJsonBody } from './control-http';
import { EmulatorStore } from './emulator-store';
import { INCIDENT_STATUSES, statusWithType, THREAD_CONTENT_TYPES } from './named-ids';
import { isRecord, LIMITS } from './payload-validation';

export interface IncidentControlDependencies {
  store: EmulatorStore;
  now: () => number;
}

class ControlInputError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

function incidentId(request: FastifyRequest): number {
  const raw = (request.params as { id?: unknown }).id;
  const id = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
  if (id < 1) throw new ControlInputError(404, `No incident with id ${String(raw)}`);
  return id;
}

function body(request: FastifyRequest): Record<string, unknown> {
  const parsed = readJsonBody(request);
  if (!parsed.ok || !isRecord(parsed.value)) {
    throw new ControlInputError(400, 'The body must be a JSON object');
  }
  return parsed.value;
}

function responseInput(value: Record<string, unknown>): { text: string; contentTypeId: number } {
  const { text, contentType = 'text/plain' } = value;
  if (typeof text !== 'string' || text.trim() === '') {
    throw new ControlInputError(400, 'text must be a non-empty string');
  }
  if ([...text].length > LIMITS.threadText) {
    throw new ControlInputError(400, `text exceeds ${LIMITS.threadText} characters`);
  }
  const type = THREAD_CONTENT_TYPES.find((entry) => entry.lookupName === contentType);
  if (!type) throw new ControlInputError(400, "contentType must be 'text/plain' or 'text/html'");
  return { text, contentTypeId: type.id };
}

function statusInput(value: Record<string, unknown>): number {
  const status = INCIDENT_STATUSES.find(
    (entry) => entry.lookupName === value.lookupName || entry.id === value.id,
  );
  if (!status) {
    const names = INCIDENT_STATUSES.map((entry) => entry.lookupName).join(', ');
    throw new ControlInputError(400, `lookupName must be one of ${names}`);
  }
  return status.id;
}

/** Runs a route body, answering ControlInputError with its status and `{ error }`. */
function handle(
  work: (request: FastifyRequest, reply: FastifyReply) => FastifyReply,
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> {
  return async (request, reply) => {
    try {
      return work(request, reply);
    } catch (error) {
      if (error instanceof ControlInputError) {
        return json(reply, error.status, { error: error.message });
      }
      throw error;
    }
  };
}

export function registerIncidentControlRoutes(
  app: FastifyInstance,
  deps: IncidentControlDependencies,
): void {
  app.post(
    `${CONTROL_PREFIX}/incidents/:id/responses`,
    handle((request, reply) => {
      const id = incidentId(request);
      const { text, contentTypeId } = responseInput(body(request));
      const thread = deps.store.addResponse(id, text, contentTypeId, deps.now());
      if (!thread) throw new ControlInputError(404, `No incident with id ${id}`);
      return json(reply, 201, { id: thread.id });
    }),
  );

  app.post(
    `${CONTROL_PREFIX}/incidents/:id/status`,
    handle((request, reply) => {
      const id = incidentId(request);
      const statusId = statusInput(body(request));
      if (!deps.store.setStatus(id, statusId, deps.now())) {
        throw new ControlInputError(404, `No incident with id ${id}`);
      }
      return json(reply, 200, { statusWithType: statusWithType(statusId) });
    }),
  );
}
