import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatorControl } from '../src/emulators/b2c-service/emulator-control';
import type { RunningEmulator } from '../src/emulators/b2c-service/emulator';
import { TWILIO_TEST_AUTH_TOKEN } from '../src/vendors/twilio/fixtures';
import { freePort } from './support/free-port';
import { gatewayEnv } from './support/gateway-env';
import { postSigned, smsParams, startTestEmulator } from './support/gateway-fixture';
import { startGatewayProcess } from './support/gateway-process';
import { openInboxOf } from './support/test-storage';
import { waitFor } from './support/wait-for';

/**
 * The gateway is a separate process, killed with SIGKILL after it acknowledged a webhook and
 * before the incident was recorded as delivered, then started again on the same data directory.
 */
/** Longer than a restart takes, so an early lookup after the restart would be caught. */
const SETTLE_MS = 6000;

describe('SIGKILL between the acknowledgement and the delivery', () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(async () => {
    await control.reset();
  });

  async function scenario(
    fault: { method: string; pathPattern: string },
    messageSid: string,
    /** A B2C path the restarted gateway must have called before the counting starts. */
    awaitPath?: string,
  ) {
    const dataDir = mkdtempSync(join(tmpdir(), 'gateway-crash-'));
    const env = gatewayEnv({
      emulatorUrl: emulator.url,
      twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
      dataDir,
      // With PostgreSQL the killed process's lease must end before the restarted one may take
      // its messages (SQLite, one process's file, frees them at open).
      extra: { B2C_SETTLE_DELAY_MS: String(SETTLE_MS), LOG_LEVEL: 'warn', WORKER_LEASE_MS: '2000' },
    });
    const port = await freePort();
    // B2C is slow on the chosen step, so the kill lands while that request is in flight.
    await control.addFault({ ...fault, latencyMs: 1500, times: 1 });
    const first = await startGatewayProcess(env, port);
    const response = await postSigned(first.url, smsParams(messageSid));
    expect(response.status).toBe(200);
    await waitFor('the slow request to reach B2C', async () =>
      (await control.requests()).some(
        (r) => r.method === fault.method && new RegExp(fault.pathPattern).test(r.path),
      )
        ? true
        : undefined,
    );
    expect(await first.kill('SIGKILL')).toBeNull();

    const second = await startGatewayProcess(env, port);
    let incidentId: number;
    try {
      const incident = await waitFor(
        'the incident after the restart',
        async () => {
          for (const candidate of await control.incidents()) {
            const threads = await control.threads(candidate.id);
            if (threads.some((t) => t.text.startsWith(`gateway-message: twilio/${messageSid}\n`)))
              return candidate;
          }
          return undefined;
        },
        20_000,
      );
      incidentId = incident.id;
      if (awaitPath) {
        await waitFor(
          `the restarted gateway to call ${awaitPath}`,
          async () =>
            (await control.requests()).some((r) => r.path === awaitPath) ? true : undefined,
          20_000,
        );
      }
      await waitFor('the restarted gateway to go idle', async () => {
        const requests = await control.requests();
        return requests.every((r) => r.status !== null) ? true : undefined;
      });
    } finally {
      // A graceful stop lets a delivery under way finish and record itself.
      await second.kill('SIGTERM');
    }
    // Once the process is gone nothing more reaches B2C, and its inbox says whether anything
    // was left to do: the message delivered, nothing pending. Only then are B2C's records counted.
    const inbox = await openInboxOf(env);
    try {
      expect((await inbox.store.get('twilio', messageSid))?.state).toBe('delivered');
      expect(await inbox.store.count('pending')).toBe(0);
    } finally {
      await inbox.close();
    }
    const incidents = await control.incidents();
    expect(incidents).toHaveLength(1);
    expect(incidents[0].id).toBe(incidentId);
    expect(await control.contacts()).toHaveLength(1);
    return { requests: await control.requests(), env };
  }

  /** The checkpoint the gateway stored for a message, read once no gateway holds the inbox. */
  async function storedCheckpoint(env: Record<string, string>, messageSid: string) {
    const inbox = await openInboxOf(env);
    try {
      return (await inbox.store.get('twilio', messageSid))?.checkpoint;
    } finally {
      await inbox.close();
    }
  }

  it('creates the incident once when killed while B2C was still creating it', async () => {
    const messageSid = 'SMcrash0000000000000000000000001';
    const { requests, env } = await scenario(
      { method: 'POST', pathPattern: '^/incidents$' },
      messageSid,
      '/queryResults',
    );
    // The restarted gateway found the incident the dead one had asked for, instead of posting again.
    const posts = requests.filter((r) => r.method === 'POST' && r.path === '/incidents');
    expect(posts).toHaveLength(1);
    const lookup = requests.find((r) => r.path === '/queryResults');
    expect(lookup).toBeDefined();
    // ...and only once the settle delay had passed since that create was attempted: a quick
    // restart must not look while the create may still be running at B2C. The attempt is
    // checkpointed (and fsynced) before the POST leaves, so the delay counts from the checkpoint.
    const attemptedAt = (await storedCheckpoint(env, messageSid))?.incidentAttemptedAt;
    expect(attemptedAt).toBeDefined();
    expect(attemptedAt!).toBeLessThanOrEqual(Date.parse(posts[0].at));
    expect(Date.parse(lookup!.at) - attemptedAt!).toBeGreaterThanOrEqual(SETTLE_MS);
  });

  it('creates the incident once when killed before any B2C write', async () => {
    const { requests } = await scenario(
      { method: 'GET', pathPattern: '^/contacts$' },
      'SMcrash0000000000000000000000002',
    );
    expect(requests.filter((r) => r.method === 'POST' && r.path === '/contacts')).toHaveLength(1);
    expect(requests.filter((r) => r.method === 'POST' && r.path === '/incidents')).toHaveLength(1);
  });
});
