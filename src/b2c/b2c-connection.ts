import { join } from 'node:path';
import { Logger, type Provider } from '@nestjs/common';
import { OutboundGuard } from '../allowlist/outbound/outbound-guard';
import { ConfigError } from '../common/problem/config-error';
import { EMBEDDED_EMULATOR } from '../config/config.module';
import { GatewayConfig } from '../config/gateway-config';
import { SecretsService } from '../secrets/secrets.service';
import { START_EMBEDDED_B2C, type EmbeddedB2c, type StartEmbeddedB2c } from './embedded-b2c.port';

/** Where B2C is and how to sign in, resolved once at start-up. */
export interface B2cConnection {
  /** Site origin, e.g. https://mysite.custhelp.com. */
  siteUrl: string;
  username: string;
  password: string;
  /** Present when the embedded emulator stands in for a site; closed on shutdown. */
  emulator?: EmbeddedB2c;
}

export const B2C_CONNECTION = Symbol('B2cConnection');
export const EMULATOR_FILE = 'emulator.sqlite';

/** The Connect REST base the B2C client calls. */
export function b2cRestBase(siteUrl: string, apiVersion: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/services/rest/connect/${apiVersion}/`;
}

export const b2cConnectionProvider: Provider = {
  provide: B2C_CONNECTION,
  inject: [
    GatewayConfig,
    SecretsService,
    EMBEDDED_EMULATOR,
    OutboundGuard,
    { token: START_EMBEDDED_B2C, optional: true },
  ],
  useFactory: async (
    config: GatewayConfig,
    secrets: SecretsService,
    embedded: boolean,
    outbound: OutboundGuard,
    startEmbedded: StartEmbeddedB2c | undefined,
  ): Promise<B2cConnection> => {
    const { username = '', password: passwordReference = '' } = config.b2c;
    // Other modes sign in with their own secrets (see auth/b2c-auth.provider.ts); the embedded
    // emulator always takes the Basic credentials made up for it.
    const password =
      config.b2c.auth === 'basic' || embedded
        ? await secrets.resolve('b2c.password', passwordReference)
        : '';
    if (!embedded) {
      return { siteUrl: config.b2c.url as string, username, password };
    }
    if (!startEmbedded) {
      throw new ConfigError(['b2c.url (B2C_URL): required (no embedded B2C emulator is wired)']);
    }
    const emulator = await startEmbedded({
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
    // A configured site is checked against the outbound allowlist with the rest of the
    // configuration (OutboundAllowModule); the emulator's origin is only known now.
    const decision = outbound.check(b2cRestBase(emulator.url, config.b2c.apiVersion), 'b2c');
    if (!decision.allowed) {
      await emulator.close();
      throw new ConfigError([
        `emulator (EMULATOR_HOST, EMULATOR_PORT): the embedded B2C emulator at ${emulator.url} is ` +
          `not an allowed outbound target (${decision.error.reason}); list ${emulator.url} in ` +
          'allowlist.outbound.targets with allowHttpForDevelopment on (the development defaults ' +
          'do so when EMULATOR_PORT is a fixed port, not 0)',
      ]);
    }
    new Logger('B2C').warn(
      `No B2C site configured: using the embedded B2C Service emulator at ${emulator.url} ` +
        `(credentials in ${join(config.storage.dataDir, 'dev-credentials.json')}). ` +
        'To use a real site set B2C_URL, B2C_USERNAME and B2C_PASSWORD (see README). ' +
        `Admin console: ${config.server.publicBaseUrl}/admin/ (sign in with adminToken from that ` +
        'file, unless ADMIN_MODE is set).',
    );
    return { siteUrl: emulator.url, username, password, emulator };
  },
};
