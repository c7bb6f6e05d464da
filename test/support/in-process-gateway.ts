import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.factory';
import { prepareStorage } from './test-storage';

export interface InProcessGateway {
  app: NestFastifyApplication;
  url: string;
  /** Every log line, parsed. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** The real application on a real loopback socket, with its logs captured. */
export async function startInProcessGateway(
  env: Record<string, string>,
): Promise<InProcessGateway> {
  const logs: Record<string, unknown>[] = [];
  await prepareStorage(env);
  const app = await createApp({
    env,
    logDestination: {
      write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>),
    },
  });
  await app.listen({ port: Number(env.PORT ?? 0), host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, url: `http://127.0.0.1:${port}`, logs, close: () => app.close() };
}
