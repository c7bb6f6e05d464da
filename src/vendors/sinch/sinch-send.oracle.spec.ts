import type { Agent } from 'node:https';
import { SmsService } from '@sinch/sms';
import { standInAgent, startSendTestRig, type SendTestRig } from '../kit/fixtures/send-test-http';
import type { RecordedRequest } from '../kit/send-stand-in.server';
import { SINCH_TEST_SECRET } from './fixtures/signed-sinch-request';
import {
  SINCH_TEST_API_TOKEN,
  SINCH_TEST_SERVICE_PLAN_ID,
  sinchSendStandIn,
} from './fixtures/sinch-send.stand-in';
import { SinchSettings } from './sinch.settings';
import { SinchSender } from './sinch-send';

/**
 * The official `@sinch/sms` SDK as an independent oracle: with its default US host (reached over
 * real TLS through a request plugin that gives node-fetch an agent pinned to the stand-in
 * server), its text batch must be accepted, and ours must carry the same method, path,
 * authentication and JSON body.
 */

// @sinch/sdk-client reads its User-Agent version from @sinch/sdk-core, a package it does not
// declare (the full @sinch/sdk-core bundle does not install from this registry mirror).
jest.mock('@sinch/sdk-core/package.json', () => ({ version: '1.4.0' }), { virtual: true });

type RequestPlugin = NonNullable<
  ConstructorParameters<typeof SmsService>[0]['requestPlugins']
>[number];

function throughAgent(agent: Agent): RequestPlugin {
  return {
    getName: () => 'StandInAgent',
    load: () => ({ transform: (options) => Object.assign(options, { agent }) }),
  };
}

const mediaType = (request: RecordedRequest) =>
  String(request.headers['content-type']).split(';')[0].trim().toLowerCase();

describe('@sinch/sms SDK as oracle for the sender', () => {
  let rig: SendTestRig;
  let agent: Agent;

  beforeAll(async () => {
    rig = await startSendTestRig(sinchSendStandIn());
    agent = standInAgent(rig.server);
  });
  afterAll(async () => {
    agent?.destroy();
    await rig?.close();
  });

  it('the stand-in accepts the SDK batch, and ours has the same fields', async () => {
    const sdk = new SmsService({
      servicePlanId: SINCH_TEST_SERVICE_PLAN_ID,
      apiToken: SINCH_TEST_API_TOKEN,
      smsRegion: 'us',
      requestPlugins: [throughAgent(agent)],
    });
    const sms = { from: '+12015550123', to: '+14155550100', text: 'Hello from the SDK' };
    const batch = await sdk.batches.sendTextMessage({
      sendSMSRequestBody: {
        from: sms.from,
        to: [sms.to],
        body: sms.text,
        type: 'mt_text',
        delivery_report: 'per_recipient_final',
        client_reference: 'b2c-thread-77',
      },
    });
    expect(rig.sent()).toEqual([expect.objectContaining({ ...sms, vendorMessageId: batch.id })]);

    const settings = Object.assign(new SinchSettings(), {
      webhookSecret: SINCH_TEST_SECRET,
      servicePlanId: SINCH_TEST_SERVICE_PLAN_ID,
      apiToken: SINCH_TEST_API_TOKEN,
    });
    const receipt = await new SinchSender().send(
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
