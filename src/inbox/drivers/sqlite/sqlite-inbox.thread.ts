import { parentPort, workerData } from 'node:worker_threads';
import { SqliteInboxEngine } from './sqlite-inbox.engine';
import type {
  ThreadError,
  ThreadOptions,
  ThreadReply,
  ThreadRequest,
} from './sqlite-inbox.protocol';

/** The inbox database's own thread: requests are handled one at a time, in arrival order. */
function serve(): void {
  const port = parentPort;
  if (!port) throw new Error('sqlite-inbox.thread must run as a worker thread');
  const reply = (message: ThreadReply) => port.postMessage(message);
  let engine: SqliteInboxEngine;
  try {
    engine = new SqliteInboxEngine((workerData as ThreadOptions).file);
  } catch (error) {
    reply({ id: 0, ready: false, error: describe(error) });
    return;
  }
  reply({ id: 0, ready: true });
  port.on('message', (request: ThreadRequest) => {
    try {
      switch (request.kind) {
        case 'commit':
          reply({ id: request.id, ok: true, result: engine.commit(request.writes) });
          break;
        case 'query':
          reply({ id: request.id, ok: true, result: engine.query(request.query) });
          break;
        case 'close':
          engine.close();
          reply({ id: request.id, ok: true, result: null });
          port.close();
          break;
      }
    } catch (error) {
      reply({ id: request.id, ok: false, error: describe(error) });
    }
  });
}

function describe(error: unknown): ThreadError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
  };
}

serve();
