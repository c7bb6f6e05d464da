import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createApp } from '../src/app.factory';
import { TWILIO_TEST_AUTH_TOKEN } from '../src/vendors/twilio/fixtures';
import { gatewayEnv } from './support/gateway-env';
import { nextSid, postSigned, smsParams, startTestEmulator } from './support/gateway-fixture';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway';
import { postgresAvailable, TEST_DATABASE_URL } from './support/postgres';
import { waitFor } from './support/wait-for';

jest.setTimeout(90_000);

const ADMIN_TOKEN = 'postgres-outage-admin-token-51d2';

/**
 * The PostgreSQL store lost while the gateway runs, and unreachable at start. The gateway
 * connects as a role of its own, which the test locks out (NOLOGIN, its sessions ended) to stand
 * for a database that is gone, without touching any other test's connections.
 */
describe('PostgreSQL store outages (real gateway, real PostgreSQL, real B2C emulator)', () => {
  const role = `gw_${randomBytes(5).toString('hex')}`;
  let admin: Client;
  let url: string;
  let available = false;

  beforeAll(async () => {
    available = await postgresAvailable();
    if (!available) return;
    admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    await admin.query(`CREATE SCHEMA ${role} AUTHORIZATION ${role}`);
    const target = new URL(TEST_DATABASE_URL);
    target.username = role;
    target.searchParams.set('options', `-c search_path=${role}`);
    url = target.toString();
  });

  afterAll(async () => {
    if (!available) return;
    await admin.query(`DROP SCHEMA IF EXISTS ${role} CASCADE`);
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [
      role,
    ]);
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  const lockOut = async () => {
    await admin.query(`ALTER ROLE ${role} NOLOGIN`);
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [
      role,
    ]);
  };

  it('stops start-up with a message naming the setting, never the password', async () => {
    if (!available) return;
    const { emulator } = await startTestEmulator();
    try {
      const env = gatewayEnv({
        emulatorUrl: emulator.url,
        twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
        extra: {
          STORAGE_DRIVER: 'postgres',
          DATABASE_URL: 'postgres://gateway:db-secret-93ac@127.0.0.1:1/gateway',
          STORAGE_POSTGRES_CONNECT_TIMEOUT_MS: '1000',
        },
      });
      const started = createApp({ env, logDestination: { write: () => undefined } });
      await expect(started).rejects.toThrow(
        /storage\.postgres\.url \(DATABASE_URL\): cannot open the PostgreSQL store at 127\.0\.0\.1:1\/gateway/,
      );
      await expect(started).rejects.not.toThrow(/db-secret-93ac/);
    } finally {
      await emulator.close();
    }
  });

  it('answers 503 with Retry-After while the database is gone, says why, and resumes without loss or duplicates', async () => {
    if (!available) return;
    const { emulator, control } = await startTestEmulator();
    let gateway: InProcessGateway | undefined;
    try {
      gateway = await startInProcessGateway(
        gatewayEnv({
          emulatorUrl: emulator.url,
          twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
          extra: {
            STORAGE_DRIVER: 'postgres',
            DATABASE_URL: url,
            STORAGE_POSTGRES_CONNECT_TIMEOUT_MS: '1000',
            ADMIN_MODE: 'token',
            ADMIN_TOKEN,
          },
        }),
      );
      const running = gateway;
      const readiness = async () => {
        const response = await fetch(`${running.url}/health/ready`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        return {
          status: response.status,
          body: (await response.json()) as { checks: { store: unknown } },
        };
      };
      const before = nextSid();
      expect(
        (await postSigned(running.url, smsParams(before, { From: '+14155552681' }))).status,
      ).toBe(200);
      await waitFor('the first incident', async () =>
        (await control.incidents()).length === 1 ? true : undefined,
      );

      await lockOut();
      const during = nextSid();
      const params = smsParams(during, { From: '+14155552682' });
      const refused = await waitFor('a refusal while the store is gone', async () => {
        const response = await postSigned(running.url, params);
        return response.status === 200 ? undefined : response;
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(((await refused.json()) as { type: string }).type).toMatch(/store-unavailable$/);
      const down = await readiness();
      expect(down.status).toBe(503);
      expect(down.body.checks.store).toMatchObject({ state: 'down', lastError: expect.anything() });
      expect(JSON.stringify(down.body)).not.toContain(ADMIN_TOKEN);

      await admin.query(`ALTER ROLE ${role} LOGIN`);
      // The vendor's retry of the refused webhook now goes through, and is delivered once.
      const retried = await waitFor('the store to commit again', async () => {
        const response = await postSigned(running.url, params);
        return response.status === 200 ? response : undefined;
      });
      expect(retried.status).toBe(200);
      await waitFor('the second incident', async () =>
        (await control.incidents()).length === 2 ? true : undefined,
      );
      await waitFor('readiness up again', async () =>
        (await readiness()).status === 200 ? true : undefined,
      );
      expect((await control.incidents()).length).toBe(2);
    } finally {
      await gateway?.close();
      await emulator.close();
    }
  });
});
