import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from './app.factory';
import { ConfigError } from './common/problem/config-error';
import { GatewayConfig } from './config/gateway-config';

/**
 * Signals that ask for a graceful stop: orchestrators send SIGTERM, a terminal SIGINT. SIGHUP is
 * not one: it reloads the allow rules (AllowlistReloadService).
 */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
/**
 * The whole graceful stop must end within this, below Kubernetes' default 30 s grace period.
 * Past it the process exits anyway: what was acknowledged is committed, and a delivery cut short
 * stays pending and is resumed from its checkpoint after the restart.
 */
const SHUTDOWN_DEADLINE_MS = 25_000;

async function main(): Promise<void> {
  // This file owns the stop signals; Nest's own hooks (enableShutdownHooks) would close the app
  // and then re-raise the signal, so the process would never exit 0.
  const app = await createApp();
  const config = app.get(GatewayConfig);
  await app.listen({ port: config.server.port, host: config.server.host });
  stopGracefullyOnSignals(app);
  new Logger('Gateway').log(
    `listening on ${config.server.host}:${config.server.port}; vendors post to ` +
      `${config.server.publicBaseUrl}/vendors/<name>/webhook`,
  );
}

/**
 * First signal: close the app and exit 0. app.close() stops the worker taking new messages, stops
 * listening and answers the requests under way (their commits finish), lets deliveries under way
 * finish or releases them at their next checkpoint, and only then closes the inbox. A second
 * signal, or the deadline, exits at once with 1.
 */
function stopGracefullyOnSignals(app: NestFastifyApplication): void {
  const logger = new Logger('Gateway');
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    logger.log(`${signal}: stopping (no new connections; finishing requests and deliveries)`);
    const started = Date.now();
    setTimeout(() => {
      logger.error(`shutdown still unfinished after ${SHUTDOWN_DEADLINE_MS} ms: exiting`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    app.close().then(
      () => {
        logger.log(`stopped in ${Date.now() - started} ms`);
        process.exit(0);
      },
      (error: unknown) => {
        logger.error(`shutdown failed: ${describe(error)}`);
        process.exit(1);
      },
    );
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

main().catch((error: unknown) => {
  // A configuration problem is the operator's to fix: say what, without a stack trace.
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`gateway failed to start: ${describe(error)}\n`);
  }
  process.exit(1);
});
