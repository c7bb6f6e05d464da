/**
 * The B2C emulator as a process of its own for the benchmarks: no request logging (it would cost
 * CPU the servers under test need). Arguments: port, database file; credentials in
 * EMULATOR_USERNAME / EMULATOR_PASSWORD (see emulator-process.ts, which starts it).
 */
import { startEmulator } from '../../src/emulators/b2c-service/emulator';

async function main(): Promise<void> {
  const [port, dbFile] = process.argv.slice(2);
  const emulator = await startEmulator({
    dbFile: dbFile ?? ':memory:',
    username: process.env.EMULATOR_USERNAME ?? 'bench',
    password: process.env.EMULATOR_PASSWORD ?? 'bench',
    port: Number(port ?? 0),
    // Enough for one drain window; older entries are dropped.
    requestLogLimit: 20_000,
  });
  const close = () => void emulator.close().finally(() => process.exit(0));
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
