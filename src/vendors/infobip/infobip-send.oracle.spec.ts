import 'reflect-metadata';
import { AuthType, Infobip } from '@infobip-api/sdk';
import { plainToInstance } from 'class-transformer';
import {
  pointGlobalAgentAt,
  startSendTestRig,
  type SendTestRig,
} from '../kit/fixtures/send-test-http';
import { type OutboundSms, SendRefusedError } from '../kit/send';
import { STAND_IN_REFUSED_NUMBER } from '../kit/send-stand-in';
import {
  INFOBIP_TEST_API_BASE_URL,
  INFOBIP_TEST_API_KEY,
  infobipSendStandIn,
} from './fixtures/infobip-send.stand-in';
import { InfobipSender } from './infobip-send';
import { InfobipSettings } from './infobip.settings';

/**
 * Infobip's own SDK (`@infobip-api/sdk`, a devDependency) as an independent oracle for the send
 * request. The SDK takes the account's base URL, so it is given the stand-in's host name; it
 * calls through axios on Node's global HTTPS agent, which the test points at the stand-in: a
 * DNS answer for the host (the stand-in's loopback address) and trust in the test CA. The SDK's
 * request crosses a real TLS socket to the same stand-in our sender uses.
 */
const sender = new InfobipSender();
const settings = plainToInstance(InfobipSettings, {
  apiBaseUrl: INFOBIP_TEST_API_BASE_URL,
  apiKey: INFOBIP_TEST_API_KEY,
});
const sms: OutboundSms = {
  from: '+385921004026',
  to: '+385916242493',
  text: 'Your parcel left the depot this morning.',
  reference: 'b2c-thread-1234',
};

/** The SDK's answer: an axios response, or (the SDK catches and returns them) an axios error. */
interface SdkAnswer {
  status?: number;
  data?: { messages?: { messageId: string; status: { name: string; groupName: string } }[] };
  response?: { status: number; data: unknown };
}

function sdkSend(to: string): Promise<SdkAnswer> {
  const infobip = new Infobip({
    baseUrl: INFOBIP_TEST_API_BASE_URL,
    apiKey: INFOBIP_TEST_API_KEY,
    authType: AuthType.ApiKey,
  });
  // The SDK types `channels` as any; this is the one method used.
  const channels = infobip.channels as { sms: { send(message: unknown): Promise<unknown> } };
  return channels.sms.send({
    messages: [
      {
        from: '385921004026',
        destinations: [{ to }],
        text: sms.text,
        callbackData: sms.reference,
      },
    ],
  }) as Promise<SdkAnswer>;
}

describe('Infobip SDK as oracle for the send request', () => {
  let rig: SendTestRig;
  let restoreGlobalAgent: (() => void) | undefined;

  beforeAll(async () => {
    rig = await startSendTestRig(infobipSendStandIn());
    restoreGlobalAgent = pointGlobalAgentAt(rig.server);
  });
  afterAll(async () => {
    restoreGlobalAgent?.();
    await rig.close();
  });
  beforeEach(() => rig.server.clear());

  it('the stand-in accepts the SDK’s request and our request carries the same fields', async () => {
    const answer = await sdkSend('385916242493');
    const receipt = await sender.send(sms, settings, rig.http);

    expect(answer.status).toBe(200);
    const [sdkRequest, ourRequest] = rig.server.requests();
    expect(rig.server.requests().map((request) => request.outcome)).toEqual(['sent', 'sent']);
    expect(rig.sent().map((sent) => sent.vendorMessageId)).toEqual([
      answer.data?.messages?.[0].messageId,
      receipt.vendorMessageId,
    ]);
    expect(ourRequest).toMatchObject({ method: sdkRequest.method, path: sdkRequest.path });
    expect(ourRequest.headers.authorization).toBe(sdkRequest.headers.authorization);
    expect(ourRequest.headers['content-type']).toMatch(/^application\/json/);
    expect(sdkRequest.headers['content-type']).toMatch(/^application\/json/);
    // The SDK adds `type: "text"`, its own choice of endpoint; everything else must match.
    const { type, ...sdkBody } = JSON.parse(sdkRequest.body.toString('utf8')) as Record<
      string,
      unknown
    >;
    expect(type).toBe('text');
    expect(JSON.parse(ourRequest.body.toString('utf8'))).toEqual(sdkBody);
    expect(receipt.status).toBe(answer.data?.messages?.[0].status.groupName.toLowerCase());
  });

  it('the SDK and our sender see the same refusal of an invalid number', async () => {
    const answer = await sdkSend(STAND_IN_REFUSED_NUMBER.replace('+', ''));
    const ours = await sender
      .send({ ...sms, to: STAND_IN_REFUSED_NUMBER }, settings, rig.http)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(ours).toBeInstanceOf(SendRefusedError);
    expect((ours as SendRefusedError).detail.code).toBe(answer.data?.messages?.[0].status.name);
  });
});
