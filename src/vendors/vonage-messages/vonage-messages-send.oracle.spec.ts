import type { Agent } from 'node:https';
import { plainToInstance } from 'class-transformer';
import { routeVonageSdk } from '../kit/fixtures/sdk-dependency-mock';
import { standInAgent, startSendTestRig, type SendTestRig } from '../kit/fixtures/send-test-http';
import { SendRefusedError, type OutboundSms } from '../kit/send';
import { STAND_IN_REFUSED_NUMBER } from '../kit/send-stand-in';
import type { RecordedRequest } from '../kit/send-stand-in.server';
import { VONAGE_MESSAGES_TEST_SECRET } from './fixtures/signed-vonage-messages-request';
import {
  VONAGE_MESSAGES_API_HOST,
  VONAGE_MESSAGES_TEST_API_KEY,
  VONAGE_MESSAGES_TEST_API_SECRET,
  VONAGE_MESSAGES_TEST_APPLICATION_ID,
  VONAGE_MESSAGES_TEST_PRIVATE_KEY,
  vonageMessagesSendStandIn,
} from './fixtures/vonage-messages-send.stand-in';
import { VonageMessagesSender } from './vonage-messages-send';
import { VonageMessagesSettings } from './vonage-messages.settings';

/**
 * Vonage's own `@vonage/messages` SDK (a devDependency) as an independent oracle for the send
 * request. With its default host (https://api.nexmo.com) it sends through node-fetch, which the
 * spec routes over an https agent pinned to the stand-in server (real TLS, test CA; see
 * routeVonageSdk): the SDK builds, authenticates and sends its own request. The stand-in must
 * accept it, with Basic credentials and with an application JWT, and ours must carry the same
 * method, path, authentication, media type and JSON body.
 */
type MessagesModule = typeof import('@vonage/messages');

const sender = new VonageMessagesSender();
const sms: OutboundSms = {
  from: '+12015550123',
  to: '+14155550100',
  text: 'Your parcel leaves today: ünïcødé ✓',
  reference: 'b2c-thread-1234',
};
const basic = { apiKey: VONAGE_MESSAGES_TEST_API_KEY, apiSecret: VONAGE_MESSAGES_TEST_API_SECRET };
const application = {
  applicationId: VONAGE_MESSAGES_TEST_APPLICATION_ID,
  privateKey: VONAGE_MESSAGES_TEST_PRIVATE_KEY,
};
const settingsWith = (credentials: object) =>
  plainToInstance(
    VonageMessagesSettings,
    { signatureSecret: VONAGE_MESSAGES_TEST_SECRET, ...credentials },
    { exposeDefaultValues: true },
  );

const shape = (request: RecordedRequest) => ({
  host: request.host,
  method: request.method,
  path: request.path,
  query: request.query,
  scheme: String(request.headers.authorization).split(' ')[0],
  mediaType: String(request.headers['content-type']).split(';')[0].trim().toLowerCase(),
  body: JSON.parse(request.body.toString('utf8')) as unknown,
});

/** A JWT's header and claim names (values such as iat and jti differ per token). */
const tokenShape = (request: RecordedRequest) => {
  const [header, payload] = String(request.headers.authorization)
    .replace(/^Bearer /, '')
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as object);
  const claims = payload as Record<string, unknown>;
  return {
    header,
    names: Object.keys(claims).sort(),
    application: claims.application_id,
    lifetime: Number(claims.exp) - Number(claims.iat),
  };
};

describe('@vonage/messages SDK as oracle for the sender', () => {
  let rig: SendTestRig;
  let agent: Agent;
  let vonage: MessagesModule;

  beforeAll(async () => {
    rig = await startSendTestRig(vonageMessagesSendStandIn());
    agent = standInAgent(rig.server);
    routeVonageSdk('@vonage/messages', agent);
    vonage = await import('@vonage/messages');
  });
  afterAll(async () => {
    agent?.destroy();
    await rig?.close();
  });
  beforeEach(() => rig.server.clear());

  const sdkSend = (credentials: object, to = sms.to) =>
    new vonage.Messages(credentials).send(
      new vonage.SMS({
        // What the SMS class sets itself; its parameter type asks for them.
        channel: 'sms',
        messageType: 'text',
        from: sms.from.slice(1),
        to: to.replace(/^\+/, ''),
        text: sms.text,
        clientRef: sms.reference,
      }),
    );

  it.each([
    ['Basic credentials', basic],
    ['an application JWT', application],
  ])('with %s the stand-in accepts the SDK’s request, and ours is the same', async (_, creds) => {
    const answer = await sdkSend(creds);
    const receipt = await sender.send(sms, settingsWith(creds), rig.http);

    const [theirs, ours] = rig.server.requests();
    expect([theirs.outcome, ours.outcome]).toEqual(['sent', 'sent']);
    expect(rig.sent().map((sent) => sent.vendorMessageId)).toEqual([
      answer.messageUUID,
      receipt.vendorMessageId,
    ]);
    expect(shape(theirs).host).toBe(VONAGE_MESSAGES_API_HOST);
    expect(shape(ours)).toEqual(shape(theirs));
    if (creds === basic) {
      expect(ours.headers.authorization).toBe(theirs.headers.authorization);
    } else {
      expect(tokenShape(ours)).toEqual(tokenShape(theirs));
    }
  });

  it('the SDK and our sender both see the invalid-number problem', async () => {
    const theirs = await sdkSend(basic, STAND_IN_REFUSED_NUMBER).then(
      () => undefined,
      (error: unknown) => error as { response?: { status: number } },
    );
    const ours = await sender
      .send({ ...sms, to: STAND_IN_REFUSED_NUMBER }, settingsWith(basic), rig.http)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(theirs?.response?.status).toBe(422);
    expect(ours).toBeInstanceOf(SendRefusedError);
    expect((ours as SendRefusedError).detail.status).toBe(theirs?.response?.status);
  });
});
