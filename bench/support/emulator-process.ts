import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APPLICATION_CONTEXT_HEADER,
  CONTROL_BYPASS_HEADER,
} from '../../src/emulators/b2c-service/emulator-headers';
import { EmulatorControl } from '../../src/emulators/b2c-service/emulator-control';
import { freePort } from '../../test/support/free-port';
import { type BenchProcess, startTsNode, untilListening } from './processes';

export const B2C_USERNAME = 'bench';
export const B2C_PASSWORD = 'bench-emulator-password';

export interface EmulatorProcess {
  url: string;
  proc: BenchProcess;
  control: EmulatorControl;
  /** Incidents in the emulator (a collection count; not logged, not faulted). */
  incidentCount(): Promise<number>;
  contactCount(): Promise<number>;
  /** Sets the latency of every REST call (replacing earlier faults). */
  setLatency(ms: number): Promise<void>;
  stop(): Promise<void>;
}

/** The B2C emulator in its own process, with its data in a fresh temporary directory. */
export async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-emulator-'));
  const port = await freePort();
  const proc = startTsNode(
    'B2C emulator',
    'bench/support/emulator.server.ts',
    [String(port), join(dir, 'emulator.sqlite')],
    { EMULATOR_USERNAME: B2C_USERNAME, EMULATOR_PASSWORD: B2C_PASSWORD },
  );
  const url = `http://127.0.0.1:${port}`;
  await untilListening(proc, `${url}/_emulator/health`);
  const control = new EmulatorControl(url, B2C_USERNAME, B2C_PASSWORD);
  const count = async (resource: string) => {
    const response = await fetch(
      `${url}/services/rest/connect/v1.4/${resource}?limit=1&totalResults=true`,
      {
        headers: {
          authorization: `Basic ${Buffer.from(`${B2C_USERNAME}:${B2C_PASSWORD}`).toString('base64')}`,
          [APPLICATION_CONTEXT_HEADER]: 'bench',
          [CONTROL_BYPASS_HEADER]: 'true',
        },
      },
    );
    const body = (await response.json()) as { totalResults?: number };
    if (typeof body.totalResults !== 'number') throw new Error(`no totalResults for ${resource}`);
    return body.totalResults;
  };
  return {
    url,
    proc,
    control,
    incidentCount: () => count('incidents'),
    contactCount: () => count('contacts'),
    setLatency: async (ms) => {
      await control.clearFaults();
      if (ms > 0) await control.addFault({ latencyMs: ms });
    },
    stop: async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
