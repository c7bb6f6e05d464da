import type { Agent } from 'node:https';
import type { SMSParams } from '@vonage/sms';
import { plainToInstance } from 'class-transformer';
import { routeVonageSdk } from '../kit/fixtures/sdk-dependency-mock';
import { standInAgent, startSendTestRig, type SendTestRig } from '../kit/fixtures/send-test-http';
import { SendRefusedError, type OutboundSms } from '../kit/send';
import { STAND_IN_REFUSED_NUMBER } from '../kit/send-stand-in';
import type { RecordedRequest } from '../kit/send-stand-in.server';
import { VONAGE_SMS_TEST_SECRET } from './fixtures/signed-vonage-sms-request';
import { VONAGE_API_KEY } from './fixtures/vonage-sms-payloads';
import {
  VONAGE_SMS_API_HOST,
  VONAGE_SMS_TEST_API_SECRET,
  vonageSmsSendStandIn,
} from './fixtures/vonage-sms-send.stand-in';
import { vonageSmsSender } from './vonage-sms-send';
import { VonageSmsSettings } from './vonage-sms.settings';

/**
 * Vonage's own `@vonage/sms` SDK (a devDependency) as an independent oracle for the send
 * request. With its default host (https://rest.nexmo.com) it sends through node-fetch, which the
 * spec routes over an https agent pinned to the stand-in server (real TLS, test CA): the SDK
 * builds and authenticates the request itself (see routeVonageSdk). The stand-in must accept it, and ours must carry
 * the same method, path, credentials, media type and fields.
 */
const settings = plainToInstance(
  VonageSmsSettings,
  {
    signatureSecret: VONAGE_SMS_TEST_SECRET,
    apiKey: VONAGE_API_KEY,
    apiSecret: VONAGE_SMS_TEST_API_SECRET,
  },
  { exposeDefaultValues: true },
);
const sms: OutboundSms = {
  from: '+13239877404',
  to: '+14843472194',
  text: 'Your replacement ships today',
  reference: 'b2c-thread-1234',
};

/** The SDK's `send` parameters for `sms`: numbers without '+', as Vonage writes them. */
const sdkParams = (to: string): SMSParams => ({
  from: sms.from.slice(1),
  to: to.replace(/^\+/, ''),
  text: sms.text,
  // The SDK's TypeEnum.TEXT; a value import would load the SDK before its fetch is routed.
  type: 'text' as SMSParams['type'],
  clientRef: sms.reference,
});

const shape = (request: RecordedRequest) => ({
  host: request.host,
  method: request.method,
  path: request.path,
  query: request.query,
  authorization: request.headers.authorization,
  mediaType: String(request.headers['content-type']).split(';')[0].trim().toLowerCase(),
  fields: JSON.parse(request.body.toString('utf8')) as unknown,
});

describe('@vonage/sms SDK as oracle for the sender', () => {
  let rig: SendTestRig;
  let agent: Agent;
  let sdk: import('@vonage/sms').SMS;

  beforeAll(async () => {
    rig = await startSendTestRig(vonageSmsSendStandIn());
    agent = standInAgent(rig.server);
    routeVonageSdk('@vonage/sms', agent);
    const { SMS } = await import('@vonage/sms');
    sdk = new SMS({ apiKey: VONAGE_API_KEY, apiSecret: VONAGE_SMS_TEST_API_SECRET });
  });
  afterAll(async () => {
    agent?.destroy();
    await rig?.close();
  });
  beforeEach(() => rig.server.clear());

  it('the stand-in accepts the SDK’s request, and ours is the same', async () => {
    const answer = await sdk.send(sdkParams(sms.to));
    const receipt = await vonageSmsSender.send(sms, settings, rig.http);

    const [theirs, ours] = rig.server.requests();
    expect([theirs.outcome, ours.outcome]).toEqual(['sent', 'sent']);
    expect(rig.sent().map((sent) => sent.vendorMessageId)).toEqual([
      answer.messages[0].messageId,
      receipt.vendorMessageId,
    ]);
    expect(shape(theirs).host).toBe(VONAGE_SMS_API_HOST);
    expect(shape(theirs).authorization).toMatch(/^Basic /);
    expect(shape(ours)).toEqual(shape(theirs));
  });

  it('the SDK and our sender read the refusal inside the 200 alike', async () => {
    const theirs = await sdk.send(sdkParams(STAND_IN_REFUSED_NUMBER)).then(
      () => undefined,
      (error: unknown) => error as import('@vonage/sms').MessageSendAllFailure,
    );
    const ours = await vonageSmsSender
      .send({ ...sms, to: STAND_IN_REFUSED_NUMBER }, settings, rig.http)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    const [failed] = theirs?.getFailedMessages() ?? [];
    expect(failed?.status).toBe('3');
    expect(ours).toBeInstanceOf(SendRefusedError);
    expect((ours as SendRefusedError).detail).toMatchObject({
      status: 200,
      code: failed?.status,
      reason: failed?.errorText,
    });
  });
});
