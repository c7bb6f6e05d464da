import { randomBytes } from 'node:crypto';
import type { EmulatorControl } from '../src/emulators/b2c-service/emulator-control';
import type { RunningEmulator } from '../src/emulators/b2c-service/emulator';
import { discoverConformanceKits } from '../src/vendors/conformance/discover-conformance-kits';
import { SendStandInServer } from '../src/vendors/kit/send-stand-in.server';
import { startTestEmulator } from './support/gateway-fixture';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway';
import { sendingGatewayEnv } from './support/send-stand-ins';
import { createTlsIdentity } from './support/test-pki';
import { waitFor } from './support/wait-for';

/**
 * Through each vendor that can send: a customer's text in (signed as that vendor signs it), an
 * agent's response in B2C, exactly one SMS out through that vendor's send API stand-in, from the
 * number the customer texted to the customer, with the response's text.
 */
const withSend = discoverConformanceKits().flatMap(({ folder, kit }) =>
  kit?.send ? [[folder, kit, kit.send] as const] : [],
);
/** The number the stand-ins' channels send from (Bird's request names none: its channel does). */
const OUR_NUMBER = '+14155550123';

let emulator: RunningEmulator;
let control: EmulatorControl;
let server: SendStandInServer;

beforeAll(async () => {
  ({ emulator, control } = await startTestEmulator());
  const standIns = withSend.map(([, , send]) => send.standIn);
  const hosts = standIns.flatMap((standIn) => standIn.hosts);
  server = await SendStandInServer.start({ standIns, tls: createTlsIdentity(hosts[0], hosts) });
});
afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

describe.each(withSend.map(([name, kit, send]) => [name, kit, send] as const))(
  'an agent’s response goes back as one SMS through %s',
  (name, kit, send) => {
    let gateway: InProcessGateway;
    beforeAll(async () => {
      gateway = await startInProcessGateway({
        ...sendingGatewayEnv(server, kit, send.standIn, emulator.url),
        CONVERSATIONS_REPLIES: 'true',
        CONVERSATIONS_REPLIES_POLL_MS: '1000',
        WORKER_POLL_INTERVAL_MS: '100',
      });
    });
    afterAll(() => gateway?.close());

    it('sends it from the number texted, to the customer, with the response’s text', async () => {
      const customer = `+1415555${String(1000 + withSend.findIndex(([n]) => n === name)).slice(-4)}`;
      // 32 hex digits, the suites' event id form (Plivo's kit makes a UUID of it).
      const id = randomBytes(16).toString('hex');
      const delivery = await send.inbound(id, { from: customer, to: OUR_NUMBER, text: 'help' });
      const response = await fetch(gateway.url + delivery.path, {
        method: delivery.method ?? 'POST',
        headers: delivery.headers,
        body: delivery.body,
      });
      expect(response.status).toBeLessThan(300);
      const incidentId = await waitFor(`${name}: the incident`, async () => {
        for (const incident of await control.incidents()) {
          const threads = await control.threads(incident.id);
          if (threads.some((t) => t.text.startsWith(`gateway-message: ${name}/`))) {
            const contact = await control.contact(incident.primaryContactId);
            if (contact.phones.some((p) => p.number === customer)) return incident.id;
          }
        }
        return undefined;
      });
      const text = `Reply through ${name} ${id.slice(0, 6)}`;
      await control.addResponse(incidentId, text);
      const sent = await waitFor(
        `${name}: the SMS`,
        () => {
          const mine = server.sent().filter((sms) => sms.text === text);
          return mine.length > 0 ? mine : undefined;
        },
        20_000,
      );
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ vendor: name, from: OUR_NUMBER, to: customer, text });
      // Later polls see the response again and send nothing more.
      await waitFor('two more polls', async () => {
        const polls = (await control.requests()).filter((r) => r.path === '/queryResults');
        return polls.length >= 3 ? polls : undefined;
      });
      expect(server.sent().filter((sms) => sms.text === text)).toHaveLength(1);
    });
  },
);
