import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { OutboundHttp } from '../../allowlist/outbound/outbound-http.port';
import type { TestDelivery } from '../conformance/conformance-kit';
import { startSendTestRig, type SendTestRig } from '../kit/fixtures/send-test-http';
import { type OutboundSms, SendOutcomeUnknownError, SendRefusedError } from '../kit/send';
import { STAND_IN_HANGING_NUMBER, STAND_IN_REFUSED_NUMBER } from '../kit/send-stand-in';
import type { WebhookRequest } from '../webhook-vendor';
import {
  MESSAGEBIRD_TEST_ACCESS_KEY,
  messagebirdSendStandIn,
} from './fixtures/messagebird-send.stand-in';
import { conformance } from './fixtures/messagebird.conformance';
import {
  MESSAGEBIRD_TEST_SIGNING_KEY,
  MESSAGEBIRD_TEST_URL,
  signedMessagebirdRequest,
} from './fixtures/signed-messagebird-request';
import { MessagebirdSender } from './messagebird-send';
import { MessagebirdSettings } from './messagebird.settings';
import { MessagebirdVendor } from './messagebird.vendor';

const vendor = new MessagebirdVendor();
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

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => new Error('expected the send to fail'),
    (error: unknown) => error as Error,
  );
}

/** A kit delivery, verified and parsed as the webhook controller would. */
async function parsed(delivery: TestDelivery) {
  const request: WebhookRequest = {
    vendor: 'messagebird',
    method: 'POST',
    publicUrl: MESSAGEBIRD_TEST_URL,
    query: '',
    rawBody: Buffer.from(delivery.body),
    contentType: delivery.headers['content-type'],
    headers: delivery.headers,
    receivedAt: new Date(),
  };
  await vendor.verify(request, settings);
  return vendor.parse(request);
}

describe('MessagebirdSender against the SMS API stand-in over HTTPS', () => {
  let rig: SendTestRig;

  beforeAll(async () => {
    rig = await startSendTestRig(messagebirdSendStandIn());
  });
  afterAll(() => rig.close());
  beforeEach(() => rig.server.clear());

  it('is the vendor’s sender, and its access key is a secret reference', () => {
    expect(vendor.sender).toBeInstanceOf(MessagebirdSender);
    expect(vendor.secretSettings).toEqual(['signingKey', 'accessKey']);
  });

  it('names the missing access key without making it required for receiving', () => {
    const inboundOnly = plainToInstance(
      MessagebirdSettings,
      { signingKey: MESSAGEBIRD_TEST_SIGNING_KEY },
      { exposeDefaultValues: true },
    );
    expect(validateSync(inboundOnly)).toEqual([]);
    expect(sender.missingSettings(inboundOnly)).toEqual(['accessKey']);
    expect(sender.missingSettings(settings)).toEqual([]);
    expect(sender.targets(inboundOnly)).toEqual(['https://rest.messagebird.com']);
  });

  it('sends one SMS as MessageBird documents it and returns the message id', async () => {
    const receipt = await sender.send(sms, settings, rig.http);

    expect(receipt).toEqual({
      vendorMessageId: expect.stringMatching(/^[0-9a-f]{32}$/),
      status: 'sent',
    });
    expect(rig.sent()).toEqual([
      {
        vendor: 'messagebird',
        from: sms.from,
        to: sms.to,
        text: sms.text,
        vendorMessageId: receipt.vendorMessageId,
      },
    ]);
    const [request] = rig.server.requests();
    expect(request).toMatchObject({
      host: 'rest.messagebird.com',
      method: 'POST',
      path: '/messages',
    });
    expect(request.headers.authorization).toBe(`AccessKey ${MESSAGEBIRD_TEST_ACCESS_KEY}`);
    expect(JSON.parse(request.body.toString('utf8'))).toEqual({
      originator: '31970102030',
      recipients: ['31612345678'],
      body: sms.text,
      reference: 'b2c-thread-1234',
    });
  });

  it('refuses an invalid number with MessageBird’s error code', async () => {
    const error = await failureOf(
      sender.send({ ...sms, to: STAND_IN_REFUSED_NUMBER }, settings, rig.http),
    );
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail).toEqual({
      status: 422,
      code: '9',
      reason: 'no (correct) recipients found (recipients)',
    });
    expect(rig.sent()).toEqual([]);
  });

  it('refuses for good when MessageBird refuses the access key, without naming the key', async () => {
    const wrong = plainToInstance(MessagebirdSettings, {
      ...settings,
      accessKey: 'not-the-key-a1',
    });
    const error = await failureOf(sender.send(sms, wrong, rig.http));
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail).toMatchObject({ status: 401, code: '2' });
    expect(error.message).not.toContain('not-the-key-a1');
  });

  it('reports an unknown outcome when MessageBird never answers', async () => {
    const quick: OutboundHttp = {
      request: (request) => rig.http.request({ ...request, timeoutMs: 400 }),
    };
    const started = Date.now();
    const error = await failureOf(
      sender.send({ ...sms, to: STAND_IN_HANGING_NUMBER }, settings, quick),
    );
    expect(error).toBeInstanceOf(SendOutcomeUnknownError);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(rig.server.requests().map((request) => request.outcome)).toEqual(['hang']);
  });

  it.each([
    ['delivered', { status: 'delivered' }],
    ['failed', { status: 'delivery_failed', errorCode: '1' }],
  ] as const)('reads a %s status report back as a receipt', async (outcome, expected) => {
    const sent = {
      vendorMessageId: 'b3a1f0c2d4e5f60718293a4b5c6d7e8f',
      from: sms.from,
      to: sms.to,
    };
    const messages = await parsed(await conformance.send!.receipt('b2c-1', sent, outcome));
    expect(messages).toEqual([
      expect.objectContaining({
        messageId: `${sent.vendorMessageId}:${sms.to}:${expected.status}`,
        kind: 'status',
        to: sms.to,
      }),
    ]);
    expect(sender.receipt(messages[0])).toEqual({
      vendorMessageId: sent.vendorMessageId,
      ...expected,
    });
  });

  it('stores a JSON status report, whose MSISDN may be a number, as a status', async () => {
    const report = {
      id: 'b3a1f0c2d4e5f60718293a4b5c6d7e8f',
      reference: 'b2c-thread-1234',
      recipient: 31612345678,
      status: 'delivered',
      statusDatetime: '2026-11-23T09:05:02+00:00',
    };
    const body = JSON.stringify(report);
    const messages = await parsed({
      path: '/vendors/messagebird/webhook',
      ...signedMessagebirdRequest(body),
    });
    expect(messages).toEqual([
      {
        vendor: 'messagebird',
        messageId: `${report.id}:+31612345678:delivered`,
        kind: 'status',
        from: '',
        to: '+31612345678',
        text: 'delivered',
        media: [],
        receivedAt: '2026-11-23T09:05:02.000Z',
        raw: report,
      },
    ]);
    expect(sender.receipt(messages[0])).toEqual({
      vendorMessageId: report.id,
      status: 'delivered',
    });
  });

  it('reads no receipt from an inbound SMS', async () => {
    const messages = await parsed(
      await conformance.send!.inbound('in-1', { from: sms.to, to: sms.from, text: 'Thanks!' }),
    );
    expect(messages).toEqual([
      expect.objectContaining({
        messageId: 'in-1',
        kind: 'sms',
        from: sms.to,
        to: sms.from,
        text: 'Thanks!',
      }),
    ]);
    expect(sender.receipt(messages[0])).toBeUndefined();
  });
});
