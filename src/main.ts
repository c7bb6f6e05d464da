import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { ConfigError } from './config/config-error';
import { GatewayConfig } from './config/gateway-config';

async function main(): Promise<void> {
  const app = await createApp();
  const config = app.get(GatewayConfig);
  await app.listen({ port: config.server.port, host: config.server.host });
  new Logger('Gateway').log(
    `listening on ${config.server.host}:${config.server.port}; vendors post to ` +
      `${config.server.publicBaseUrl}/vendors/<name>/webhook`,
  );
}

main().catch((error: unknown) => {
  // A configuration problem is the operator's to fix: say what, without a stack trace.
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `gateway failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
