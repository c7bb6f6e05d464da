import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signedTwilioRequest } from '../src/vendors/twilio/fixtures';
import { TEST_PUBLIC_BASE_URL } from './support/gateway-env';
import {
  nextSid,
  smsParams,
  startGatewayWithEmulator,
  WEBHOOK_PATH,
  type GatewayWithEmulator,
} from './support/gateway-fixture';
import { sleep, waitFor } from './support/wait-for';

const OLD_TOKEN = '11111111111111111111111111111111';
const NEW_TOKEN = '22222222222222222222222222222222';
const OVERLAP_MS = 1500;

/**
 * A vendor secret rotated while the gateway runs: the new value is picked up without a restart,
 * and webhooks the vendor still signs with the old one are accepted for the overlap, not after.
 */
describe('vendor secret rotation, live', () => {
  let gw: GatewayWithEmulator;
  let tokenFile: string;

  beforeAll(async () => {
    tokenFile = join(mkdtempSync(join(tmpdir(), 'rotation-')), 'twilio-token');
    writeFileSync(tokenFile, `${OLD_TOKEN}\n`);
    gw = await startGatewayWithEmulator({
      WORKER_ENABLED: 'false',
      VENDOR_TWILIO__AUTH_TOKEN: `file:${tokenFile}`,
      SECRETS_TTL_MS: '100',
      SECRETS_ROTATION_OVERLAP_MS: String(OVERLAP_MS),
    });
  });
  afterAll(() => gw.stop());

  async function post(authToken: string): Promise<number> {
    const { path, headers, body } = signedTwilioRequest({
      authToken,
      url: `${TEST_PUBLIC_BASE_URL}${WEBHOOK_PATH}`,
      params: smsParams(nextSid()),
    });
    return (await fetch(gw.url + path, { method: 'POST', headers, body })).status;
  }

  it('accepts old and new secret during the overlap, only the new one after it', async () => {
    expect(await post(OLD_TOKEN)).toBe(200);
    expect(await post(NEW_TOKEN)).toBe(401);

    writeFileSync(tokenFile, `${NEW_TOKEN}\n`);
    await waitFor('the rotation to be picked up', async () =>
      (await post(NEW_TOKEN)) === 200 ? true : undefined,
    );
    const rotatedAt = Date.now();
    expect(await post(OLD_TOKEN)).toBe(200);

    await sleep(Math.max(0, rotatedAt + OVERLAP_MS + 300 - Date.now()));
    expect(await post(OLD_TOKEN)).toBe(401);
    expect(await post(NEW_TOKEN)).toBe(200);
  });
});
