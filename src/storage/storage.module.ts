import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigError } from '../common/problem/config-error';
import { GatewayConfig } from '../config/gateway-config';
import { SecretsService } from '../secrets/secrets.service';
import { PostgresDatabase } from './postgres/postgres-database';
import { POSTGRES_SCHEMA, type SchemaMigration, SchemaTooNewError } from './schema-migration';

/** The shared PostgreSQL database with `storage.driver: postgres`; null with `sqlite`. */
export const POSTGRES_DATABASE = Symbol('PostgresDatabase');

/**
 * Opens the database the storage driver names, once per process, for every feature that keeps
 * shared state (the inbox, B2C flow control, the refusal log). Global, so it closes last: after
 * the worker has stopped and the inbox has committed what it holds.
 */
@Global()
@Module({
  providers: [
    {
      provide: POSTGRES_DATABASE,
      inject: [GatewayConfig, SecretsService, { token: POSTGRES_SCHEMA, optional: true }],
      useFactory: async (
        config: GatewayConfig,
        secrets: SecretsService,
        migrations: readonly SchemaMigration[] | undefined,
      ): Promise<PostgresDatabase | null> => {
        if (config.storage.driver !== 'postgres') return null;
        if (!migrations) throw new Error('storage.driver is postgres but no schema was provided');
        const settings = config.storage.postgres;
        const url = await secrets.resolve('storage.postgres.url', settings.url ?? '');
        try {
          return await PostgresDatabase.open({ ...settings, url, migrations });
        } catch (error) {
          throw new ConfigError([startupProblem(url, error)]);
        }
      },
    },
  ],
  exports: [POSTGRES_DATABASE],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(POSTGRES_DATABASE) private readonly database: PostgresDatabase | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.database?.close();
  }
}

/** Names the setting and the server, never the password the URL may carry. */
function startupProblem(url: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof SchemaTooNewError) return `storage.postgres.url (DATABASE_URL): ${message}`;
  let where = 'the database';
  try {
    const parsed = new URL(url);
    where = `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    // Not a URL: say nothing of it, it may hold a password.
  }
  return `storage.postgres.url (DATABASE_URL): cannot open the PostgreSQL store at ${where}: ${message.replace(url, '<url>')}`;
}
