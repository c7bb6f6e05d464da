import type { Agent } from 'node:https';
import { plainToInstance } from 'class-transformer';
import twilio from 'twilio';
import { standInAgent, startSendTestRig, type SendTestRig } from '../kit/fixtures/send-test-http';
import { TWILIO_TEST_AUTH_TOKEN } from './fixtures/signed-twilio-request';
import { TWILIO_ACCOUNT_SID } from './fixtures/twilio-payloads';
import { TWILIO_API_HOST, twilioSendStandIn } from './fixtures/twilio-send.stand-in';
import { twilioSender } from './twilio-send';
import { TwilioSettings } from './twilio.settings';

/**
 * The official SDK as oracle: twilio-node's own RequestClient (its axios and form encoding)
 * sends to the stand-in under api.twilio.com, its https agent trusting the test CA and
 * resolving the name to the stand-in's address. The stand-in must accept the SDK's request, and
 * ours must carry the same method, path, authentication, media type and form fields.
 */
describe('Twilio sender matches the twilio SDK', () => {
  let rig: SendTestRig;
  let agent: Agent;

  beforeAll(async () => {
    rig = await startSendTestRig(twilioSendStandIn());
    agent = standInAgent(rig.server);
  });
  afterAll(async () => {
    agent?.destroy();
    await rig?.close();
  });

  function sdkClient() {
    const httpClient = new twilio.RequestClient();
    httpClient.axios.defaults.httpsAgent = agent;
    return twilio(TWILIO_ACCOUNT_SID, TWILIO_TEST_AUTH_TOKEN, { httpClient });
  }

  it('sends the same request as messages.create, which the stand-in accepts', async () => {
    const sms = { from: '+14155552671', to: '+14158675309', text: 'Ready for pickup: ünïcødé ✓' };
    const created = await sdkClient().messages.create({
      from: sms.from,
      to: sms.to,
      body: sms.text,
    });
    expect(created.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(created.status).toBe('queued');

    const settings = plainToInstance(
      TwilioSettings,
      { authToken: TWILIO_TEST_AUTH_TOKEN, accountSid: TWILIO_ACCOUNT_SID },
      { exposeDefaultValues: true },
    );
    const ours = await twilioSender.send({ ...sms, reference: 'b2c-1' }, settings, rig.http);
    expect(ours.vendorMessageId).toMatch(/^SM[0-9a-f]{32}$/);

    const [sdk, sender] = rig.server.requests();
    expect(rig.sent().map(({ from, to, text }) => ({ from, to, text }))).toEqual([sms, sms]);
    const shape = (request: typeof sdk) => ({
      host: request.host,
      method: request.method,
      path: request.path,
      query: request.query,
      authorization: request.headers.authorization,
      contentType: String(request.headers['content-type']).split(';')[0],
      form: Object.fromEntries(new URLSearchParams(request.body.toString())),
    });
    expect(shape(sender)).toEqual(shape(sdk));
    expect(shape(sdk).host).toBe(TWILIO_API_HOST);
  });
});
