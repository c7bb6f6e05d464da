import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEVELOPMENT_CREDENTIALS_FILE,
  loadOrCreateDevelopmentCredentials,
} from '../src/config/development-defaults';
import { EmulatorControl } from '../src/emulators/b2c-service/emulator-control';
import { encodeTwilioForm } from '../src/vendors/twilio/fixtures';
import { computeTwilioSignature } from '../src/vendors/twilio/twilio-signature';

/** What both demos share: where things run, and the development credentials `npm start` made. */
export const gatewayUrl = (process.env.DEMO_GATEWAY_URL ?? 'http://localhost:3000').replace(
  /\/+$/,
  '',
);
const publicBaseUrl = (process.env.DEMO_PUBLIC_BASE_URL ?? gatewayUrl).replace(/\/+$/, '');
const emulatorUrl = (process.env.DEMO_EMULATOR_URL ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
const dataDir = process.env.DATA_DIR ?? './data';

export function fail(message: string): never {
  console.error(`demo: ${message}`);
  process.exit(1);
}

export function developmentCredentials() {
  if (!existsSync(join(dataDir, DEVELOPMENT_CREDENTIALS_FILE))) {
    fail(
      `no ${join(dataDir, DEVELOPMENT_CREDENTIALS_FILE)}: start the gateway with \`npm start\` first`,
    );
  }
  return loadOrCreateDevelopmentCredentials(dataDir);
}

export function emulatorControl(): EmulatorControl {
  const credentials = developmentCredentials();
  return new EmulatorControl(
    emulatorUrl,
    credentials.emulatorUsername,
    credentials.emulatorPassword,
  );
}

/** Posts one correctly signed Twilio SMS webhook, as Twilio would; returns its MessageSid. */
export async function postTwilioSms(sms: { from: string; to: string; text: string }) {
  const credentials = developmentCredentials();
  const messageSid = `SM${randomHex(16)}`;
  const params = {
    MessageSid: messageSid,
    SmsMessageSid: messageSid,
    AccountSid: `AC${randomHex(16)}`,
    From: sms.from,
    To: sms.to,
    Body: sms.text,
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
  return { messageSid, started };
}

/** The incident whose threads hold the message's marker, once it appears (20 s at most). */
export async function incidentOf(emulator: EmulatorControl, messageSid: string) {
  const marker = `gateway-message: twilio/${messageSid}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    for (const incident of (await emulator.incidents()).reverse()) {
      const threads = await emulator.threads(incident.id);
      if (threads.some((thread) => thread.text.startsWith(marker))) return { incident, threads };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return fail('no incident appeared within 20 s: see the gateway log');
}

function randomHex(bytes: number): string {
  return Array.from({ length: bytes * 2 }, () => Math.floor(Math.random() * 16).toString(16)).join(
    '',
  );
}
