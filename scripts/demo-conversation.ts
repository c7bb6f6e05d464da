/**
 * `npm run demo:conversation`: a whole SMS conversation against `npm start` and its emulator.
 * Two texts from one customer become one incident (two Customer entries, status Updated); an
 * agent's response, added in the emulator as an agent would, goes back as an SMS, which this
 * script receives on a local stand-in of Twilio's Messages API and prints.
 *
 * The gateway must run with conversations on and Twilio's API pointed at the stand-in:
 *   CONVERSATIONS_FOLLOW_UPS=thread-while-open CONVERSATIONS_REPLIES=true \
 *   CONVERSATIONS_REPLIES_POLL_MS=2000 VENDOR_TWILIO__ACCOUNT_SID=AC00000000000000000000000000000000 \
 *   VENDOR_TWILIO__API_BASE_URL=http://127.0.0.1:8789 ALLOWLIST_OUTBOUND_TARGETS=http://127.0.0.1:8789 \
 *   ALLOWLIST_OUTBOUND_ALLOW_HTTP_FOR_DEVELOPMENT=true npm start
 * Settings: those of `npm run demo`, and DEMO_SEND_PORT (8789).
 */
import { createServer } from 'node:http';
import type { SentSms } from '../src/vendors/kit/send-stand-in';
import { twilioSendStandIn } from '../src/vendors/twilio/fixtures/twilio-send.stand-in';
import {
  developmentCredentials,
  emulatorControl,
  fail,
  incidentOf,
  postTwilioSms,
} from './demo-support';

const ACCOUNT_SID = 'AC00000000000000000000000000000000';
const CUSTOMER = process.env.DEMO_FROM ?? '+14155552671';
const OUR_NUMBER = '+14155550100';

/** Twilio's Messages API as the tests' stand-in checks it, on plain http for the demo. */
function startSendStandIn(port: number, authToken: string): Promise<SentSms[]> {
  const standIn = twilioSendStandIn(ACCOUNT_SID, authToken);
  const sent: SentSms[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const [path, query = ''] = (request.url ?? '/').split('?', 2);
      const outcome = standIn.handle({
        method: request.method ?? 'GET',
        path,
        query,
        headers: request.headers,
        body: Buffer.concat(chunks),
      });
      if (outcome.kind === 'hang') return;
      if (outcome.kind === 'sent') sent.push(outcome.sms);
      response.writeHead(outcome.answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(outcome.answer.body));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.unref();
      resolve(sent);
    });
  });
}

async function main(): Promise<void> {
  const port = Number(process.env.DEMO_SEND_PORT ?? 8789);
  const sent = await startSendStandIn(port, developmentCredentials().twilioAuthToken);
  const emulator = emulatorControl();

  const first = await postTwilioSms({ from: CUSTOMER, to: OUR_NUMBER, text: 'My power is out' });
  const { incident } = await incidentOf(emulator, first.messageSid);
  const second = await postTwilioSms({
    from: CUSTOMER,
    to: OUR_NUMBER,
    text: 'Still out at 12 Elm St',
  });
  const joined = await incidentOf(emulator, second.messageSid);
  if (joined.incident.id !== incident.id) {
    fail(
      'the second text opened another incident: start the gateway with ' +
        'CONVERSATIONS_FOLLOW_UPS=thread-while-open (see the comment at the top of this script)',
    );
  }
  const customerEntries = joined.threads.filter((t) => t.entryType.lookupName === 'Customer');
  const status = (await emulator.incident(incident.id)).status.lookupName;
  console.log(
    `\nIncident ${incident.referenceNumber}: ${customerEntries.length} Customer entries ` +
      `(${customerEntries.map((t) => JSON.stringify(t.text)).join(', ')}), status ${status}`,
  );

  const response =
    '<p>We are sorry! A crew is on its way.</p><p>Track it: <a href="https://status.example.com/crew/17">crew 17</a></p>';
  await emulator.addResponse(incident.id, response, 'text/html');
  console.log(`An agent responded in B2C: ${response}`);
  const deadline = Date.now() + 30_000;
  while (sent.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (sent.length === 0) {
    fail(
      'no SMS reached the Twilio stand-in within 30 s: start the gateway with replies on and ' +
        `Twilio pointed at http://127.0.0.1:${port} (see the comment at the top of this script)`,
    );
  }
  console.log(`\nSMS sent through Twilio's Messages API:\n${JSON.stringify(sent[0], null, 2)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => fail(error instanceof Error ? error.message : String(error)),
);
