import { Global, Module } from '@nestjs/common';
import { START_EMBEDDED_B2C, type StartEmbeddedB2c } from './b2c/embedded-b2c.port';
import { startEmulator } from './emulators/b2c-service/emulator';

const startEmbeddedB2c: StartEmbeddedB2c = (options) => startEmulator(options);

/**
 * What the gateway runs in place of missing services with its embedded defaults: the B2C
 * Service emulator. Wired here, in the composition root, so that no feature folder imports an
 * emulator (.dependency-cruiser.cjs).
 */
@Global()
@Module({
  providers: [{ provide: START_EMBEDDED_B2C, useValue: startEmbeddedB2c }],
  exports: [START_EMBEDDED_B2C],
})
export class EmbeddedServicesModule {}
