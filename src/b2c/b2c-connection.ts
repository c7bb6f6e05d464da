import { join } from 'node:path';
import { Logger, type Provider } from '@nestjs/common';
import { ConfigError } from '../config/config-error';
import { EMBEDDED_EMULATOR } from '../config/config.module';
import { GatewayConfig } from '../config/gateway-config';
import { SecretsService } from '../secrets/secrets.service';
import { startEmulator, type RunningEmulator } from './emulator/emulator';

/** Where B2C is and how to sign in, resolved once at start-up. */
export interface B2cConnection {
  /** Site origin, e.g. https://mysite.custhelp.com. */
  siteUrl: string;
  username: string;
  password: string;
  /** Present when the embedded emulator stands in for a site; closed on shutdown. */
  emulator?: RunningEmulator;
}

export const B2C_CONNECTION = Symbol('B2cConnection');
export const EMULATOR_FILE = 'emulator.sqlite';

export const b2cConnectionProvider: Provider = {
  provide: B2C_CONNECTION,
  inject: [GatewayConfig, SecretsService, EMBEDDED_EMULATOR],
  useFactory: async (
    config: GatewayConfig,
    secrets: SecretsService,
    embedded: boolean,
  ): Promise<B2cConnection> => {
    const { username = '', password: passwordReference = '' } = config.b2c;
    const password = await secrets.resolve('b2c.password', passwordReference);
    if (!embedded) {
      return { siteUrl: config.b2c.url as string, username, password };
    }
    const emulator = await startEmulator({
      dbFile: join(config.storage.dataDir, EMULATOR_FILE),
      username,
      password,
      host: config.emulator.host,
      port: config.emulator.port,
    }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      throw new ConfigError([
        `emulator.port (EMULATOR_PORT): ${config.emulator.host}:${config.emulator.port} is in use ` +
          '(another gateway or emulator?); choose another port or set B2C_URL',
      ]);
    });
    new Logger('B2C').warn(
      `No B2C site configured: using the embedded B2C Service emulator at ${emulator.url} ` +
        `(credentials in ${join(config.storage.dataDir, 'dev-credentials.json')}). ` +
        'To use a real site set B2C_URL, B2C_USERNAME and B2C_PASSWORD (see README).',
    );
    return { siteUrl: emulator.url, username, password, emulator };
  },
};
