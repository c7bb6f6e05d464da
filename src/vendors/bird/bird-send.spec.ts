import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { OutboundHttp } from '../../allowlist/outbound/outbound-http.port';
import { startSendTestRig, type SendTestRig } from '../kit/fixtures/send-test-http';
import {
  type OutboundSms,
  SendDeferredError,
  SendOutcomeUnknownError,
  SendRefusedError,
} from '../kit/send';
import { STAND_IN_HANGING_NUMBER, STAND_IN_REFUSED_NUMBER } from '../kit/send-stand-in';
import type { TestDelivery } from '../conformance/conformance-kit';
import type { WebhookRequest } from '../webhook-vendor';
import { BirdSender } from './bird-send';
import { BirdSettings } from './bird.settings';
import { BirdVendor } from './bird.vendor';
import {
  BIRD_TEST_ACCESS_KEY,
  BIRD_TEST_CHANNEL_ID,
  BIRD_TEST_CHANNEL_NUMBER,
  BIRD_TEST_WORKSPACE_ID,
  birdSendStandIn,
} from './fixtures/bird-send.stand-in';
import { conformance } from './fixtures/bird.conformance';
import { BIRD_TEST_SIGNING_KEY, BIRD_TEST_URL } from './fixtures/signed-bird-request';

/**
 * The sender over a real TLS socket to the Channels API stand-in under `api.bird.com`. There is
 * no oracle spec: Bird publishes no Node SDK for the Channels API (only a Python client), so
 * the request shape is checked against the documented one in the stand-in.
 */
const vendor = new BirdVendor();
const sender = new BirdSender();
const settings = plainToInstance(
  BirdSettings,
  {
    signingKey: BIRD_TEST_SIGNING_KEY,
    accessKey: BIRD_TEST_ACCESS_KEY,
    workspaceId: BIRD_TEST_WORKSPACE_ID,
    channelId: BIRD_TEST_CHANNEL_ID,
  },
  { exposeDefaultValues: true },
);
const sms: OutboundSms = {
  from: BIRD_TEST_CHANNEL_NUMBER,
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
    vendor: 'bird',
    method: 'POST',
    publicUrl: BIRD_TEST_URL,
    query: '',
    rawBody: Buffer.from(delivery.body),
    contentType: 'application/json',
    headers: delivery.headers,
    receivedAt: new Date(),
  };
  vendor.verify(request, settings);
  return vendor.parse(request);
}

describe('BirdSender against the Bird Channels API stand-in over HTTPS', () => {
  let rig: SendTestRig;

  beforeAll(async () => {
    rig = await startSendTestRig(birdSendStandIn());
  });
  afterAll(() => rig.close());
  beforeEach(() => rig.server.clear());

  it('is the vendor’s sender, and its access key is a secret reference', () => {
    expect(vendor.sender).toBeInstanceOf(BirdSender);
    expect(vendor.secretSettings).toEqual(['signingKey', 'accessKey']);
  });

  it('names missing send settings without making them required for receiving', () => {
    const inboundOnly = plainToInstance(
      BirdSettings,
      { signingKey: BIRD_TEST_SIGNING_KEY },
      { exposeDefaultValues: true },
    );
    expect(validateSync(inboundOnly)).toEqual([]);
    expect(sender.missingSettings(inboundOnly)).toEqual(['accessKey', 'workspaceId', 'channelId']);
    expect(sender.missingSettings(settings)).toEqual([]);
    expect(sender.targets(inboundOnly)).toEqual(['https://api.bird.com']);
    const bad = plainToInstance(BirdSettings, {
      signingKey: 'k',
      workspaceId: '../admin',
      apiBaseUrl: 'http://api.bird.com',
    });
    expect(validateSync(bad).map((error) => error.property)).toEqual(['workspaceId', 'apiBaseUrl']);
  });

  it('sends one SMS as Bird documents it and returns the message id', async () => {
    const receipt = await sender.send(sms, settings, rig.http);

    expect(receipt).toEqual({ vendorMessageId: expect.any(String), status: 'accepted' });
    expect(rig.sent()).toEqual([
      {
        vendor: 'bird',
        from: BIRD_TEST_CHANNEL_NUMBER,
        to: sms.to,
        text: sms.text,
        vendorMessageId: receipt.vendorMessageId,
      },
    ]);
    const [request] = rig.server.requests();
    expect(request).toMatchObject({
      host: 'api.bird.com',
      method: 'POST',
      path: `/workspaces/${BIRD_TEST_WORKSPACE_ID}/channels/${BIRD_TEST_CHANNEL_ID}/messages`,
    });
    expect(request.headers.authorization).toBe(`AccessKey ${BIRD_TEST_ACCESS_KEY}`);
    expect(JSON.parse(request.body.toString('utf8'))).toEqual({
      receiver: { contacts: [{ identifierKey: 'phonenumber', identifierValue: sms.to }] },
      body: { type: 'text', text: { text: sms.text } },
      reference: 'b2c-thread-1234',
    });
  });

  it('replies through the channel the customer texted when Bird named only the channel', async () => {
    const noChannel = plainToInstance(BirdSettings, { ...settings, channelId: undefined });
    const receipt = await sender.send({ ...sms, from: BIRD_TEST_CHANNEL_ID }, noChannel, rig.http);
    expect(rig.sent()).toEqual([
      expect.objectContaining({ to: sms.to, vendorMessageId: receipt.vendorMessageId }),
    ]);
    // Without a channel either way nothing is called.
    const error = await failureOf(sender.send(sms, noChannel, rig.http));
    expect(error).toBeInstanceOf(SendDeferredError);
    expect(error.message).toMatch(/vendors\.bird\.channelId missing/);
    expect(rig.server.requests()).toHaveLength(1);
  });

  it('refuses an invalid number with Bird’s code', async () => {
    const error = await failureOf(
      sender.send({ ...sms, to: STAND_IN_REFUSED_NUMBER }, settings, rig.http),
    );
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail).toMatchObject({
      status: 422,
      code: 'InvalidPayload',
      reason: expect.stringContaining('identifierValue: invalid phone number'),
    });
    expect(rig.sent()).toEqual([]);
  });

  it('refuses for good when Bird refuses the access key, without naming the key', async () => {
    const wrong = plainToInstance(BirdSettings, { ...settings, accessKey: 'not-the-key-51c' });
    const error = await failureOf(sender.send(sms, wrong, rig.http));
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail).toMatchObject({ status: 401, code: 'Unauthorized' });
    expect(error.message).not.toContain('not-the-key-51c');
  });

  it('reports an unknown outcome when Bird never answers', async () => {
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
    ['failed', { status: 'delivery_failed', errorCode: '27' }],
  ] as const)('reads a %s sms.outbound event back as a receipt', async (outcome, expected) => {
    const sent = {
      vendorMessageId: 'f3b1c0de-0000-4000-8000-000000000001',
      from: sms.from,
      to: sms.to,
    };
    const messages = await parsed(await conformance.send!.receipt('b2c-1', sent, outcome));
    expect(messages).toEqual([
      expect.objectContaining({
        messageId: `${sent.vendorMessageId}:${expected.status}`,
        kind: 'status',
        from: sms.from,
        to: sms.to,
      }),
    ]);
    expect(sender.receipt(messages[0])).toEqual({
      vendorMessageId: sent.vendorMessageId,
      ...expected,
    });
  });

  it('reads no receipt from an inbound SMS, which names the number texted', async () => {
    const messages = await parsed(
      await conformance.send!.inbound('in-1', { from: sms.to, to: sms.from, text: 'Thanks!' }),
    );
    expect(messages).toEqual([
      expect.objectContaining({ messageId: 'in-1', kind: 'sms', from: sms.to, to: sms.from }),
    ]);
    expect(sender.receipt(messages[0])).toBeUndefined();
  });
});
