import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EmulatorControl,
  type EmulatorFault,
} from '../../src/emulators/b2c-service/emulator-control';
import {
  INBOX_STORE,
  type InboxStore,
  type MessageState,
  type StoredMessage,
} from '../../src/inbox/inbox-store.port';
import { startEmulator, type RunningEmulator } from '../../src/emulators/b2c-service/emulator';
import { signedTwilioRequest, TWILIO_TEST_AUTH_TOKEN } from '../../src/vendors/twilio/fixtures';
import type { TwilioParams } from '../../src/vendors/twilio/twilio-signature';
import {
  gatewayEnv,
  TEST_B2C_PASSWORD,
  TEST_B2C_USERNAME,
  TEST_PUBLIC_BASE_URL,
} from './gateway-env';
import { startInProcessGateway, type InProcessGateway } from './in-process-gateway';
import { waitFor } from './wait-for';

export const WEBHOOK_PATH = '/vendors/twilio/webhook';

/** A real B2C emulator on loopback, with its control client. */
export async function startTestEmulator(
  dbFile?: string,
): Promise<{ emulator: RunningEmulator; control: EmulatorControl }> {
  const emulator = await startEmulator({
    dbFile: dbFile ?? join(mkdtempSync(join(tmpdir(), 'emulator-')), 'emulator.sqlite'),
    username: TEST_B2C_USERNAME,
    password: TEST_B2C_PASSWORD,
    port: 0,
  });
  return {
    emulator,
    control: new EmulatorControl(emulator.url, TEST_B2C_USERNAME, TEST_B2C_PASSWORD),
  };
}

export interface GatewayWithEmulator extends InProcessGateway {
  emulator: RunningEmulator;
  control: EmulatorControl;
  stop(): Promise<void>;
}

export async function startGatewayWithEmulator(
  extra: Record<string, string> = {},
): Promise<GatewayWithEmulator> {
  const { emulator, control } = await startTestEmulator();
  const gateway = await startInProcessGateway(
    gatewayEnv({ emulatorUrl: emulator.url, twilioAuthToken: TWILIO_TEST_AUTH_TOKEN, extra }),
  );
  return {
    ...gateway,
    emulator,
    control,
    stop: async () => {
      await gateway.close();
      await emulator.close();
    },
  };
}

/** Waits until the gateway's inbox holds Twilio message `messageSid` in `state`, and returns it. */
export function settledAs(
  gateway: InProcessGateway,
  messageSid: string,
  state: MessageState,
): Promise<StoredMessage> {
  return waitFor(
    `${messageSid} to be ${state}`,
    async () => {
      const stored = await gateway.app.get<InboxStore>(INBOX_STORE).get('twilio', messageSid);
      return stored?.state === state ? stored : undefined;
    },
    20_000,
  );
}

/** B2C refusing every incident create for good, as it answers a field it finds invalid. */
export const INCIDENT_REFUSED: EmulatorFault = {
  method: 'POST',
  pathPattern: '^/incidents$',
  status: 400,
  errorCode: 'OSC-CREST-00003',
  title: 'Bad Request',
  detail: 'subject: field is not valid',
};

let sequence = 0;

/** A message SID unique within and across test runs. */
export const nextSid = (): string =>
  `SM${Date.now().toString(16)}${(sequence += 1).toString(16).padStart(8, '0')}`;

/** Unique inbound SMS parameters; `overrides` replace fields. */
export function smsParams(
  messageSid: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    MessageSid: messageSid,
    SmsMessageSid: messageSid,
    AccountSid: 'AC0123456789abcdef0123456789abcdef',
    From: '+14155552671',
    To: '+14155550100',
    Body: 'My order has not arrived',
    NumMedia: '0',
    SmsStatus: 'received',
    ...overrides,
  };
}

/** Signs `params` for the gateway's public URL as Twilio would, and posts it to `gatewayUrl`. */
export async function postSigned(
  gatewayUrl: string,
  params: TwilioParams,
  options: {
    authToken?: string;
    signedUrl?: string;
    mutate?: (request: { body: Buffer; headers: Record<string, string>; path: string }) => void;
  } = {},
): Promise<Response> {
  const signed = signedTwilioRequest({
    authToken: options.authToken ?? TWILIO_TEST_AUTH_TOKEN,
    url: options.signedUrl ?? TEST_PUBLIC_BASE_URL + WEBHOOK_PATH,
    params,
  });
  const request = { body: signed.body, headers: { ...signed.headers }, path: WEBHOOK_PATH };
  options.mutate?.(request);
  return fetch(gatewayUrl + request.path, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
}
