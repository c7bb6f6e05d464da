/**
 * The stand-in for a B2C site that `npm start` runs when none is configured (the emulator). A
 * port, so that the B2C feature starts it without importing it: the composition root
 * (src/embedded-services.module.ts) provides the emulator's `startEmulator`.
 */
export interface EmbeddedB2c {
  /** Its origin, e.g. http://127.0.0.1:3001. */
  url: string;
  close(): Promise<void>;
}

export interface EmbeddedB2cOptions {
  /** SQLite file the stand-in keeps its objects in. */
  dbFile: string;
  username: string;
  password: string;
  host: string;
  port: number;
}

export type StartEmbeddedB2c = (options: EmbeddedB2cOptions) => Promise<EmbeddedB2c>;

export const START_EMBEDDED_B2C = Symbol('StartEmbeddedB2c');
