/**
 * `npm run demo`: the local equivalent of the seed's `fn invoke` check. Posts one correctly signed
 * Twilio SMS webhook to the running gateway (started with `npm start`), then waits for the
 * incident to appear in the B2C emulator and prints it with its contact and note.
 *
 * Settings (all optional): DEMO_GATEWAY_URL (http://localhost:3000), DEMO_PUBLIC_BASE_URL (what
 * the gateway was told vendors call; defaults to DEMO_GATEWAY_URL), DEMO_EMULATOR_URL
 * (http://127.0.0.1:8787), DATA_DIR (./data, where `npm start` keeps the development credentials),
 * DEMO_FROM (+14155552671), DEMO_TEXT.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEVELOPMENT_CREDENTIALS_FILE,
  loadOrCreateDevelopmentCredentials,
} from '../src/config/development-defaults';
import { EmulatorControl } from '../src/b2c/emulator/emulator-control';
import { encodeTwilioForm } from '../src/vendors/twilio/fixtures';
import { computeTwilioSignature } from '../src/vendors/twilio/twilio-signature';

const gatewayUrl = (process.env.DEMO_GATEWAY_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
const publicBaseUrl = (process.env.DEMO_PUBLIC_BASE_URL ?? gatewayUrl).replace(/\/+$/, '');
const emulatorUrl = (process.env.DEMO_EMULATOR_URL ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
const dataDir = process.env.DATA_DIR ?? './data';

async function main(): Promise<void> {
  if (!existsSync(join(dataDir, DEVELOPMENT_CREDENTIALS_FILE))) {
    fail(
      `no ${join(dataDir, DEVELOPMENT_CREDENTIALS_FILE)}: start the gateway with \`npm start\` first`,
    );
  }
  const credentials = loadOrCreateDevelopmentCredentials(dataDir);

  const messageSid = `SM${randomBytes(16).toString('hex')}`;
  const params = {
    MessageSid: messageSid,
    SmsMessageSid: messageSid,
    AccountSid: `AC${randomBytes(16).toString('hex')}`,
    From: process.env.DEMO_FROM ?? '+14155552671',
    To: '+14155550100',
    Body: process.env.DEMO_TEXT ?? 'Hello! My order #4521 has not arrived yet. Can you help?',
    NumMedia: '0',
    NumSegments: '1',
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
  };
  const path = '/vendors/twilio/webhook';
  const signature = computeTwilioSignature(
    credentials.twilioAuthToken,
    publicBaseUrl + path,
    params,
  );

  console.log(`POST ${gatewayUrl}${path}  (MessageSid ${messageSid}, From ${params.From})`);
  const started = Date.now();
  const reply = await fetch(gatewayUrl + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature,
    },
    body: encodeTwilioForm(params),
  }).catch((error: unknown) =>
    fail(
      `the gateway at ${gatewayUrl} does not answer (${String(error)}); is \`npm start\` running?`,
    ),
  );
  const replyBody = await reply.text();
  console.log(
    `← ${reply.status} ${reply.headers.get('content-type')} in ${Date.now() - started} ms: ${replyBody}`,
  );
  if (!reply.ok) fail('the gateway refused the webhook (see the problem document above)');

  const emulator = new EmulatorControl(
    emulatorUrl,
    credentials.emulatorUsername,
    credentials.emulatorPassword,
  );
  const marker = `gateway-message: twilio/${messageSid}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    for (const incident of (await emulator.incidents()).reverse()) {
      const threads = await emulator.threads(incident.id);
      if (!threads.some((thread) => thread.text.startsWith(marker))) continue;
      const contact = await emulator.contact(incident.primaryContactId);
      console.log(
        `\nIncident ${incident.referenceNumber} appeared in the B2C emulator after ${Date.now() - started} ms:`,
      );
      console.log(JSON.stringify({ incident, contact, threads }, null, 2));
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  fail('no incident appeared within 20 s: see the gateway log');
}

function fail(message: string): never {
  console.error(`demo: ${message}`);
  process.exit(1);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
