/**
 * The emulator's own control API under /_emulator/: fault injection, the request log, reset,
 * health, and what an agent does in B2C (control-incident-routes.ts). It is unauthenticated on purpose (tests and demos drive it), which is why the emulator
 * binds to 127.0.0.1 unless told otherwise: never expose it on a shared network.
 */
import type { FastifyInstance } from 'fastify';

import { registerIncidentControlRoutes } from './control-incident-routes';
import { CONTROL_PREFIX, json, readJsonBody } from './control-http';
import { EmulatorStore } from './emulator-store';
import { FaultRegistry, FaultSpecError, parseFaultSpec } from './faults';
import { RequestLog } from './request-log';

export { CONTROL_PREFIX } from './control-http';

export interface ControlDependencies {
  store: EmulatorStore;
  faults: FaultRegistry;
  requestLog: RequestLog;
  now: () => number;
}

export function registerControlRoutes(app: FastifyInstance, deps: ControlDependencies): void {
  app.get(`${CONTROL_PREFIX}/health`, async (_request, reply) =>
    json(reply, 200, { status: 'ok' }),
  );

  app.post(`${CONTROL_PREFIX}/faults`, async (request, reply) => {
    const body = readJsonBody(request);
    if (!body.ok) return json(reply, 400, { error: 'The body must be a JSON fault object' });
    try {
      const id = deps.faults.add(parseFaultSpec(body.value));
      return json(reply, 201, { id });
    } catch (error) {
      if (error instanceof FaultSpecError) return json(reply, 400, { error: error.message });
      throw error;
    }
  });

  app.get(`${CONTROL_PREFIX}/faults`, async (_request, reply) =>
    json(reply, 200, deps.faults.list()),
  );

  app.delete(`${CONTROL_PREFIX}/faults`, async (_request, reply) => {
    deps.faults.clear();
    return reply.code(204).send();
  });

  app.get(`${CONTROL_PREFIX}/requests`, async (_request, reply) =>
    json(reply, 200, deps.requestLog.list()),
  );

  app.delete(`${CONTROL_PREFIX}/requests`, async (_request, reply) => {
    deps.requestLog.clear();
    return reply.code(204).send();
  });

  app.post(`${CONTROL_PREFIX}/reset`, async (_request, reply) => {
    deps.store.reset();
    deps.faults.clear();
    deps.requestLog.clear();
    return reply.code(204).send();
  });

  registerIncidentControlRoutes(app, deps);
}
