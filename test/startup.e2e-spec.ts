import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmulatorControl } from '../src/emulators/b2c-service/emulator-control';
import type { DevelopmentCredentials } from '../src/config/development-defaults';
import { freePort } from './support/free-port';
import { postSigned, smsParams } from './support/gateway-fixture';
import { startGatewayProcess } from './support/gateway-process';
import { startInProcessGateway } from './support/in-process-gateway';
import { waitFor } from './support/wait-for';

const ROOT = join(__dirname, '..');

/** Runs `src/main.ts` to completion with only `env`, as an operator would start it. */
function runToExit(env: Record<string, string>) {
  const result = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'src/main.ts'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'startup-')),
        ...env,
      },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { status: result.status, stderr: result.stderr };
}

describe('start-up', () => {
  it('stops on an invalid configuration, naming each key and problem, without a stack trace', () => {
    const { status, stderr } = runToExit({ PORT: 'eighty', B2C_API_VERSION: 'v9' });
    expect(status).toBe(1);
    expect(stderr).toContain('server.port (PORT): must be an integer number');
    expect(stderr).toContain('b2c.apiVersion (B2C_API_VERSION): must be v1.N or latest');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('never falls back to the emulator in production', () => {
    const { status, stderr } = runToExit({ NODE_ENV: 'production' });
    expect(status).toBe(1);
    expect(stderr).toContain('b2c.url (B2C_URL): is required when NODE_ENV=production');
  });

  it('stops when the B2C site is not on the outbound allowlist, naming the setting', () => {
    const { status, stderr } = runToExit({
      B2C_URL: 'https://site.example.com',
      B2C_USERNAME: 'integration',
      B2C_PASSWORD: 'hunter2-do-not-log',
      ALLOWLIST_OUTBOUND_TARGETS: 'other.example.com',
    });
    expect(status).toBe(1);
    expect(stderr).toContain('b2c.url (B2C_URL): https://site.example.com');
    expect(stderr).toContain('is not an allowed outbound target');
    expect(stderr).not.toContain('hunter2-do-not-log');
  });

  it('stops when a vendor secret reference cannot be resolved, without showing any secret', () => {
    const { status, stderr } = runToExit({
      VENDOR_TWILIO__AUTH_TOKEN: 'env:TWILIO_TOKEN_NOT_SET',
      B2C_URL: 'https://site.example.com',
      B2C_USERNAME: 'integration',
      B2C_PASSWORD: 'hunter2-do-not-log',
      ALLOWLIST_OUTBOUND_TARGETS: 'site.example.com',
    });
    expect(status).toBe(1);
    expect(stderr).toContain('vendors.twilio.authToken: env:TWILIO_TOKEN_NOT_SET is not set');
    expect(stderr).not.toContain('hunter2-do-not-log');
  });

  it('starts in development despite a misspelt variable, warning with the closest name', async () => {
    const gateway = await startInProcessGateway({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'misspelt-')),
      EMULATOR_PORT: String(await freePort()),
      THROTTLE_PER_SOURSE: '50',
    });
    try {
      expect(gateway.logs).toContainEqual(
        expect.objectContaining({
          level: 40,
          msg: 'THROTTLE_PER_SOURSE: is not a known setting; did you mean THROTTLE_PER_SOURCE?',
        }),
      );
    } finally {
      await gateway.close();
    }
  });

  it('runs with embedded defaults: emulator, generated Twilio and admin tokens, webhook to incident', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'embedded-'));
    const emulatorPort = await freePort();
    const port = await freePort();
    const gateway = await startGatewayProcess(
      { DATA_DIR: dataDir, EMULATOR_PORT: String(emulatorPort) },
      port,
    );
    try {
      const file = join(dataDir, 'dev-credentials.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const credentials = JSON.parse(readFileSync(file, 'utf8')) as DevelopmentCredentials;
      expect(gateway.output()).toContain(
        `embedded B2C Service emulator at http://127.0.0.1:${emulatorPort}`,
      );
      expect(gateway.output()).not.toContain(credentials.twilioAuthToken);
      expect(gateway.output()).not.toContain(credentials.emulatorPassword);
      expect(gateway.output()).not.toContain(credentials.adminToken);
      // The console opens with the generated admin token, and with nothing else.
      const signIn = (token: string) =>
        fetch(`${gateway.url}/admin/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token }),
        });
      expect((await signIn(credentials.adminToken)).status).toBe(200);
      expect((await signIn(credentials.twilioAuthToken)).status).toBe(401);

      const response = await postSigned(gateway.url, smsParams('SMembedded000000000000000000001'), {
        authToken: credentials.twilioAuthToken,
        signedUrl: `http://localhost:${port}/vendors/twilio/webhook`,
      });
      expect(response.status).toBe(200);
      const emulator = new EmulatorControl(
        `http://127.0.0.1:${emulatorPort}`,
        credentials.emulatorUsername,
        credentials.emulatorPassword,
      );
      const [incident] = await waitFor('the incident in the embedded emulator', async () => {
        const incidents = await emulator.incidents();
        return incidents.length > 0 ? incidents : undefined;
      });
      expect(incident.subject).toBe('My order has not arrived');
    } finally {
      await gateway.kill('SIGTERM');
    }
  });
});
