import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmulatorControl } from '../../../src/emulators/b2c-service/emulator-control';
import { startEmulator, type RunningEmulator } from '../../../src/emulators/b2c-service/emulator';
import {
  APPLICATION_CONTEXT_HEADER,
  CONTROL_BYPASS_HEADER,
} from '../../../src/emulators/b2c-service/emulator-headers';
import { TEST_B2C_PASSWORD, TEST_B2C_USERNAME } from '../../support/gateway-env';

/**
 * The B2C emulator on a fixed port and SQLite file, so it can be stopped (port closed, as when
 * B2C is unreachable) and started again with its data, at the address the gateway knows.
 */
export class RestartableEmulator {
  private running: RunningEmulator | undefined;
  private port = 0;
  private readonly dbFile = join(
    mkdtempSync(join(tmpdir(), 'reliability-emulator-')),
    'b2c.sqlite',
  );
  url = '';
  control!: EmulatorControl;

  async start(): Promise<void> {
    if (this.running) return;
    this.running = await startEmulator({
      dbFile: this.dbFile,
      username: TEST_B2C_USERNAME,
      password: TEST_B2C_PASSWORD,
      port: this.port,
    });
    this.url = this.running.url;
    this.port = Number(new URL(this.url).port);
    this.control = new EmulatorControl(this.url, TEST_B2C_USERNAME, TEST_B2C_PASSWORD);
  }

  /** Closes the port; requests under way (e.g. delayed by a latency fault) finish first. */
  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.close();
  }

  /** Incidents held, from the list alone: cheap enough to poll. */
  async incidentCount(): Promise<number> {
    const response = await fetch(`${this.url}/services/rest/connect/v1.4/incidents?limit=20000`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${TEST_B2C_USERNAME}:${TEST_B2C_PASSWORD}`).toString('base64')}`,
        [APPLICATION_CONTEXT_HEADER]: 'reliability-suite',
        [CONTROL_BYPASS_HEADER]: 'true',
      },
    });
    if (!response.ok) throw new Error(`emulator answered ${response.status} to the incident list`);
    return ((await response.json()) as { items: unknown[] }).items.length;
  }
}
