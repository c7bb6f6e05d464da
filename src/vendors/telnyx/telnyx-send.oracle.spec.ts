import type { Agent } from 'node:https';
import Telnyx from 'telnyx';
import { standInAgent, startSendTestRig, type SendTestRig } from '../kit/fixtures/send-test-http';
import { fetchThrough } from '../kit/fixtures/stand-in-fetch';
import type { RecordedRequest } from '../kit/send-stand-in.server';
import { TELNYX_TEST_KEYS } from './fixtures/signed-telnyx-request';
import { TELNYX_TEST_API_KEY, telnyxSendStandIn } from './fixtures/telnyx-send.stand-in';
import { TelnyxSettings } from './telnyx.settings';
import { TelnyxSender } from './telnyx-send';

/**
 * The official `telnyx` SDK as an independent oracle: pointed at the stand-in (its default base
 * URL, https://api.telnyx.com/v2, reached over real TLS through a `fetch` that pins the host to
 * the stand-in server), its request must be accepted, and ours must carry the same method, path,
 * authentication and JSON body.
 */

const mediaType = (request: RecordedRequest) =>
  String(request.headers['content-type']).split(';')[0].trim().toLowerCase();

describe('telnyx SDK as oracle for the sender', () => {
  let rig: SendTestRig;
  let agent: Agent;

  beforeAll(async () => {
    rig = await startSendTestRig(telnyxSendStandIn());
    agent = standInAgent(rig.server);
  });
  afterAll(async () => {
    agent?.destroy();
    await rig?.close();
  });

  it('the stand-in accepts the SDK request, and ours has the same fields', async () => {
    const sdk = new Telnyx({
      apiKey: TELNYX_TEST_API_KEY,
      maxRetries: 0,
      fetch: fetchThrough(agent),
    });
    const sms = { from: '+12015550123', to: '+14155550100', text: 'Hello from the SDK' };
    const answer = await sdk.messages.send(sms);
    expect(rig.sent()).toEqual([
      expect.objectContaining({ ...sms, vendorMessageId: answer.data?.id }),
    ]);

    const settings = Object.assign(new TelnyxSettings(), {
      publicKey: TELNYX_TEST_KEYS.publicKeyBase64,
      apiKey: TELNYX_TEST_API_KEY,
    });
    const receipt = await new TelnyxSender().send(
      { ...sms, reference: 'b2c-thread-77' },
      settings,
      rig.http,
    );
    expect(receipt.vendorMessageId).toBe(rig.sent()[1].vendorMessageId);

    const [theirs, ours] = rig.server.requests();
    expect([theirs.outcome, ours.outcome]).toEqual(['sent', 'sent']);
    expect({ host: ours.host, method: ours.method, path: ours.path }).toEqual({
      host: theirs.host,
      method: theirs.method,
      path: theirs.path,
    });
    expect(ours.headers.authorization).toBe(theirs.headers.authorization);
    expect(mediaType(ours)).toBe(mediaType(theirs));
    expect(JSON.parse(ours.body.toString())).toEqual(JSON.parse(theirs.body.toString()));
  });
});
