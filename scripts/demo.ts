/**
 * `npm run demo`: the local equivalent of the seed's `fn invoke` check. Posts one correctly signed
 * Twilio SMS webhook to the running gateway (started with `npm start`), then waits for the
 * incident to appear in the B2C emulator and prints it with its contact and note.
 *
 * Settings (all optional): DEMO_GATEWAY_URL (http://localhost:3000), DEMO_PUBLIC_BASE_URL (what
 * the gateway was told vendors call; defaults to DEMO_GATEWAY_URL), DEMO_EMULATOR_URL
 * (http://127.0.0.1:8787), DATA_DIR (./data, where `npm start` keeps the development credentials),
 * DEMO_FROM (+14155552671), DEMO_TEXT. `npm run demo:conversation` shows a whole conversation.
 */
import { emulatorControl, fail, incidentOf, postTwilioSms } from './demo-support';

async function main(): Promise<void> {
  const { messageSid, started } = await postTwilioSms({
    from: process.env.DEMO_FROM ?? '+14155552671',
    to: '+14155550100',
    text: process.env.DEMO_TEXT ?? 'Hello! My order #4521 has not arrived yet. Can you help?',
  });
  const emulator = emulatorControl();
  const { incident, threads } = await incidentOf(emulator, messageSid);
  const contact = await emulator.contact(incident.primaryContactId);
  console.log(
    `\nIncident ${incident.referenceNumber} appeared in the B2C emulator after ${Date.now() - started} ms:`,
  );
  console.log(JSON.stringify({ incident, contact, threads }, null, 2));
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
