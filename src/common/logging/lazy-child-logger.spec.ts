import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { lazyChildLoggerFactory } from './lazy-child-logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const root = pino({ level: 'info' }, stream) as unknown as FastifyBaseLogger;
  const child = jest.spyOn(root, 'child');
  return { root, child, lines };
}

function requestLogger(root: FastifyBaseLogger): FastifyBaseLogger {
  return (lazyChildLoggerFactory as unknown as (...args: unknown[]) => FastifyBaseLogger)(
    root,
    { reqId: 'req-1' },
    {},
    undefined,
  );
}

describe('lazyChildLoggerFactory', () => {
  it('makes no child for a request that logs nothing', () => {
    const { root, child } = capture();
    requestLogger(root);
    expect(child).not.toHaveBeenCalled();
  });

  it('logs with the request id once used, making the child once', async () => {
    const { root, child, lines } = capture();
    const logger = requestLogger(root);
    logger.warn({ reason: 'x' }, 'first');
    logger.error('second');
    logger.debug('below the level');
    await new Promise((resolve) => setImmediate(resolve));
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toEqual([
      expect.objectContaining({ reqId: 'req-1', reason: 'x', msg: 'first', level: 40 }),
      expect.objectContaining({ reqId: 'req-1', msg: 'second', level: 50 }),
    ]);
    expect(logger.level).toBe('info');
  });
});
