import 'reflect-metadata';
import type { Agent } from 'node:https';
import { Configuration, MessagesApi } from 'bandwidth-sdk';
import { standInAgent, startSendTestRig, type SendTestRig } from '../kit/fixtures/send-test-http';
import type { RecordedRequest } from '../kit/send-stand-in.server';
import { BandwidthSettings } from './bandwidth.settings';
import { BandwidthSender } from './bandwidth-send';
import { BANDWIDTH_TEST_PASSWORD, BANDWIDTH_TEST_USERNAME } from './fixtures/bandwidth-callbacks';
import {
  BANDWIDTH_TEST_ACCOUNT_ID,
  BANDWIDTH_TEST_API_PASSWORD,
  BANDWIDTH_TEST_API_USERNAME,
  BANDWIDTH_TEST_APPLICATION_ID,
  bandwidthSendStandIn,
} from './fixtures/bandwidth-send.stand-in';

/**
 * The official `bandwidth-sdk` as an independent oracle: with its default base URL
 * (https://messaging.bandwidth.com/api/v2, reached over real TLS through an agent pinned to the
 * stand-in server), its createMessage request must be accepted, and ours must carry the same
 * method, path, Basic credentials and JSON body.
 */

const mediaType = (request: RecordedRequest) =>
  String(request.headers['content-type']).split(';')[0].trim().toLowerCase();

describe('bandwidth-sdk as oracle for the sender', () => {
  let rig: SendTestRig;
  let agent: Agent;

  beforeAll(async () => {
    rig = await startSendTestRig(bandwidthSendStandIn());
    agent = standInAgent(rig.server);
  });
  afterAll(async () => {
    agent?.destroy();
    await rig?.close();
  });

  it('the stand-in accepts the SDK request, and ours has the same fields', async () => {
    const sdk = new MessagesApi(
      new Configuration({
        username: BANDWIDTH_TEST_API_USERNAME,
        password: BANDWIDTH_TEST_API_PASSWORD,
      }),
    );
    const sms = { from: '+14155552671', to: '+14158675309', text: 'Hello from the SDK' };
    const answer = await sdk.createMessage(
      BANDWIDTH_TEST_ACCOUNT_ID,
      {
        applicationId: BANDWIDTH_TEST_APPLICATION_ID,
        to: new Set([sms.to]),
        from: sms.from,
        text: sms.text,
        tag: 'b2c-thread-77',
      },
      { httpsAgent: agent, proxy: false },
    );
    expect(answer.status).toBe(202);
    expect(rig.sent()).toEqual([
      expect.objectContaining({ ...sms, vendorMessageId: answer.data.id }),
    ]);

    const settings = Object.assign(new BandwidthSettings(), {
      username: BANDWIDTH_TEST_USERNAME,
      password: BANDWIDTH_TEST_PASSWORD,
      accountId: BANDWIDTH_TEST_ACCOUNT_ID,
      applicationId: BANDWIDTH_TEST_APPLICATION_ID,
      apiUsername: BANDWIDTH_TEST_API_USERNAME,
      apiPassword: BANDWIDTH_TEST_API_PASSWORD,
    });
    const receipt = await new BandwidthSender().send(
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
