/**
 * `npm run emulator`: the B2C Service emulator as a standalone process.
 *
 * Settings: EMULATOR_PORT (8787), EMULATOR_HOST (127.0.0.1; the /_emulator/ control API has no
 * authentication, so bind elsewhere only on a trusted network), EMULATOR_DB
 * (./data/emulator.sqlite, or :memory:), EMULATOR_USERNAME and EMULATOR_PASSWORD (both
 * "emulator"). This is the only emulator file that reads the environment.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import pino from 'pino';

import { DEFAULT_HOST, startEmulator } from './emulator';

const DEFAULT_PORT = 8787;

function readPort(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`EMULATOR_PORT must be a port number, not '${text}'`);
  }
  return port;
}

async function main(): Promise<void> {
  const logger = pino({ name: 'b2c-emulator' });
  const dbFile = process.env.EMULATOR_DB || './data/emulator.sqlite';
  if (dbFile !== ':memory:') mkdirSync(dirname(dbFile), { recursive: true });
  const username = process.env.EMULATOR_USERNAME || 'emulator';

  const emulator = await startEmulator({
    dbFile,
    username,
    password: process.env.EMULATOR_PASSWORD || 'emulator',
    host: process.env.EMULATOR_HOST || DEFAULT_HOST,
    port: readPort(process.env.EMULATOR_PORT),
    logger,
  });
  logger.info(
    `B2C Service emulator listening on ${emulator.url} ` +
      `(REST: ${emulator.url}/services/rest/connect/v1.4, Basic user '${username}', data in ${dbFile})`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received, closing the emulator`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'closing the emulator failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('B2C emulator failed to start:', error);
  process.exit(1);
});
