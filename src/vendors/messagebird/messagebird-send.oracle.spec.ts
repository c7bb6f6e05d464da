import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { initClient, type Message, type MessageParameters } from 'messagebird';
import {
  pointGlobalAgentAt,
  startSendTestRig,
  type SendTestRig,
} from '../kit/fixtures/send-test-http';
import { type OutboundSms, SendRefusedError } from '../kit/send';
import { STAND_IN_REFUSED_NUMBER } from '../kit/send-stand-in';
import {
  MESSAGEBIRD_TEST_ACCESS_KEY,
  messagebirdSendStandIn,
} from './fixtures/messagebird-send.stand-in';
import { MESSAGEBIRD_TEST_SIGNING_KEY } from './fixtures/signed-messagebird-request';
import { MessagebirdSender } from './messagebird-send';
import { MessagebirdSettings } from './messagebird.settings';

/**
 * MessageBird's own SDK (`messagebird`, a devDependency) as an independent oracle for the send
 * request. The SDK always calls `rest.messagebird.com:443` through Node's global HTTPS agent
 * and offers no base URL, so the test points that agent at the stand-in: a DNS answer for the
 * host (the stand-in's loopback address) and trust in the test CA. Nothing else is replaced:
 * the SDK's request crosses a real TLS socket to the same stand-in our sender uses.
 */
const sender = new MessagebirdSender();
const settings = plainToInstance(
  MessagebirdSettings,
  { signingKey: MESSAGEBIRD_TEST_SIGNING_KEY, accessKey: MESSAGEBIRD_TEST_ACCESS_KEY },
  { exposeDefaultValues: true },
);
const sms: OutboundSms = {
  from: '+31970102030',
  to: '+31612345678',
  text: 'Your parcel left the depot this morning.',
  reference: 'b2c-thread-1234',
};
/** The same message in the SDK's terms (MSISDNs without '+'). */
const sdkParams: MessageParameters = {
  originator: '31970102030',
  recipients: ['31612345678'],
  body: sms.text,
  reference: sms.reference,
};

interface SdkError extends Error {
  statusCode?: number;
  errors?: { code: number; description: string; parameter: string | null }[];
}

function sdkCreate(params: MessageParameters): Promise<Message> {
  const client = initClient(MESSAGEBIRD_TEST_ACCESS_KEY);
  return new Promise((resolve, reject) => {
    // The SDK mutates its params (recipients joined to a string): give it a copy.
    client.messages.create({ ...params }, (error, message) =>
      error ? reject(error) : resolve(message as Message),
    );
  });
}

/** The documented fields, with `recipients` as a list whether sent as an array or a string. */
function normalised(body: Buffer): Record<string, unknown> {
  const fields = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  const recipients = fields.recipients;
  return {
    ...fields,
    recipients: (Array.isArray(recipients) ? recipients : String(recipients).split(',')).map(
      String,
    ),
  };
}

describe('MessageBird SDK as oracle for the send request', () => {
  let rig: SendTestRig;
  let restoreGlobalAgent: (() => void) | undefined;

  beforeAll(async () => {
    rig = await startSendTestRig(messagebirdSendStandIn());
    restoreGlobalAgent = pointGlobalAgentAt(rig.server);
  });
  afterAll(async () => {
    restoreGlobalAgent?.();
    await rig.close();
  });
  beforeEach(() => rig.server.clear());

  it('the stand-in accepts the SDK’s request and our request carries the same fields', async () => {
    const message = await sdkCreate(sdkParams);
    const receipt = await sender.send(sms, settings, rig.http);

    const [sdkRequest, ourRequest] = rig.server.requests();
    expect(rig.server.requests().map((request) => request.outcome)).toEqual(['sent', 'sent']);
    expect(rig.sent().map((sent) => sent.vendorMessageId)).toEqual([
      message.id,
      receipt.vendorMessageId,
    ]);
    expect(ourRequest).toMatchObject({ method: sdkRequest.method, path: sdkRequest.path });
    expect(ourRequest.headers.authorization).toBe(sdkRequest.headers.authorization);
    expect(ourRequest.headers['content-type']).toBe(sdkRequest.headers['content-type']);
    expect(normalised(ourRequest.body)).toEqual(normalised(sdkRequest.body));
    // Both read the answer alike: the SDK's message is what our receipt names.
    expect(message.recipients.items[0].status).toBe(receipt.status);
  });

  it('the SDK and our sender read MessageBird’s invalid-number refusal alike', async () => {
    const sdkError = await sdkCreate({ ...sdkParams, recipients: ['15005550001'] }).then(
      () => undefined,
      (error: unknown) => error as SdkError,
    );
    const ours = await sender
      .send({ ...sms, to: STAND_IN_REFUSED_NUMBER }, settings, rig.http)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(sdkError?.statusCode).toBe(422);
    expect(ours).toBeInstanceOf(SendRefusedError);
    expect((ours as SendRefusedError).detail.status).toBe(sdkError?.statusCode);
    expect((ours as SendRefusedError).detail.code).toBe(String(sdkError?.errors?.[0].code));
  });
});
