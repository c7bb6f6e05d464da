import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { ENVIRONMENT } from './config.tokens';
import { applyDevelopmentDefaults } from './development-defaults';
import { GatewayConfig } from './gateway-config';
import { type Environment, loadGatewayConfig } from './load-config';

/** Marks that no B2C site is configured and the embedded emulator stands in for it. */
export const EMBEDDED_EMULATOR = Symbol('EMBEDDED_EMULATOR');

/** The configuration as read once at start-up, with the environment it came from. */
export interface PreparedConfiguration {
  config: GatewayConfig;
  env: Environment;
  embeddedEmulator: boolean;
  /** Worth a warning only (unknown variables outside production); logged once a logger exists. */
  warnings: readonly string[];
}

/**
 * Reads and validates the configuration (throwing ConfigError) and applies the development
 * defaults. Called once, before anything listens.
 */
export function prepareConfiguration(env: Environment = process.env): PreparedConfiguration {
  const warnings: string[] = [];
  const config = loadGatewayConfig(env, (warning) => warnings.push(warning));
  const embeddedEmulator = applyDevelopmentDefaults(config);
  return { config, env, embeddedEmulator, warnings };
}

/** Makes the prepared configuration injectable; consumers inject `GatewayConfig`. */
@Module({})
export class GatewayConfigModule {
  static forRoot({ config, env, embeddedEmulator }: PreparedConfiguration): DynamicModule {
    return {
      module: GatewayConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          load: [() => ({ gateway: config })],
        }),
      ],
      providers: [
        {
          provide: GatewayConfig,
          useFactory: (configService: ConfigService) =>
            configService.getOrThrow<GatewayConfig>('gateway'),
          inject: [ConfigService],
        },
        { provide: ENVIRONMENT, useValue: env },
        { provide: EMBEDDED_EMULATOR, useValue: embeddedEmulator },
      ],
      exports: [GatewayConfig, ENVIRONMENT, EMBEDDED_EMULATOR],
    };
  }
}
