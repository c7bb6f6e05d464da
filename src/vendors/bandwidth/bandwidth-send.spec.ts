import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { OutboundHttp, OutboundResponse } from '../../allowlist/outbound/outbound-http.port';
import type { TestDelivery } from '../conformance/conformance-kit';
import type { InboundMessage } from '../../messages/inbound-message';
import { startSendTestRig, type SendTestRig } from '../kit/fixtures/send-test-http';
import {
  SendDeferredError,
  SendOutcomeUnknownError,
  SendRefusedError,
  type OutboundSms,
} from '../kit/send';
import { STAND_IN_HANGING_NUMBER, STAND_IN_REFUSED_NUMBER } from '../kit/send-stand-in';
import type { WebhookRequest } from '../webhook-vendor';
import { BandwidthSettings } from './bandwidth.settings';
import { BandwidthVendor } from './bandwidth.vendor';
import { BANDWIDTH_TEST_PASSWORD, BANDWIDTH_TEST_USERNAME } from './fixtures/bandwidth-callbacks';
import { conformance } from './fixtures/bandwidth.conformance';
import {
  BANDWIDTH_TEST_ACCOUNT_ID,
  BANDWIDTH_TEST_API_PASSWORD,
  BANDWIDTH_TEST_API_USERNAME,
  BANDWIDTH_TEST_APPLICATION_ID,
  bandwidthSendStandIn,
} from './fixtures/bandwidth-send.stand-in';

const vendor = new BandwidthVendor();
const sender = vendor.sender;

function settings(values: Record<string, unknown> = {}): BandwidthSettings {
  return plainToInstance(
    BandwidthSettings,
    {
      username: BANDWIDTH_TEST_USERNAME,
      password: BANDWIDTH_TEST_PASSWORD,
      accountId: BANDWIDTH_TEST_ACCOUNT_ID,
      applicationId: BANDWIDTH_TEST_APPLICATION_ID,
      apiUsername: BANDWIDTH_TEST_API_USERNAME,
      apiPassword: BANDWIDTH_TEST_API_PASSWORD,
      ...values,
    },
    { exposeDefaultValues: true },
  );
}

const sms = (to: string): OutboundSms => ({
  from: '+14155552671',
  to,
  text: 'Your parcel leaves today.',
  reference: 'b2c-thread-1234',
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected the send to fail');
    },
    (error: Error) => error,
  );
}

/** What the gateway stores for a kit delivery: authenticated and parsed by the vendor. */
async function stored(delivery: TestDelivery | Promise<TestDelivery>): Promise<InboundMessage> {
  const { headers, body } = await delivery;
  const request: WebhookRequest = {
    vendor: 'bandwidth',
    method: 'POST',
    publicUrl: 'https://gateway.example.com/vendors/bandwidth/webhook',
    query: '',
    rawBody: Buffer.from(body),
    contentType: 'application/json',
    headers,
    receivedAt: new Date(),
  };
  vendor.verify(request, settings());
  const [message] = vendor.parse(request);
  return message;
}

describe('Bandwidth sender', () => {
  let rig: SendTestRig;

  beforeAll(async () => {
    rig = await startSendTestRig(bandwidthSendStandIn());
  });
  afterAll(() => rig?.close());
  beforeEach(() => rig.server.clear());

  it('keeps sending optional: callback-only settings validate, and name what is missing', () => {
    const inboundOnly = plainToInstance(
      BandwidthSettings,
      { username: BANDWIDTH_TEST_USERNAME, password: BANDWIDTH_TEST_PASSWORD },
      { exposeDefaultValues: true },
    );
    expect(validateSync(inboundOnly)).toEqual([]);
    expect(inboundOnly.apiBaseUrl).toBe('https://messaging.bandwidth.com');
    expect(sender.missingSettings(inboundOnly)).toEqual([
      'accountId',
      'applicationId',
      'apiUsername',
      'apiPassword',
    ]);
    expect(sender.missingSettings(settings())).toEqual([]);
    expect(vendor.secretSettings).toEqual(['password', 'previousPassword', 'apiPassword']);
    expect(sender.targets(settings())).toEqual([
      `https://messaging.bandwidth.com/api/v2/users/${BANDWIDTH_TEST_ACCOUNT_ID}/messages`,
    ]);
    expect(validateSync(settings({ accountId: 'acct/../x' }))).toHaveLength(1);
  });

  it('sends over HTTPS to the stand-in and returns the message id of the 202', async () => {
    const receipt = await sender.send(sms('+14158675309'), settings(), rig.http);
    expect(rig.sent()).toEqual([
      {
        vendor: 'bandwidth',
        from: '+14155552671',
        to: '+14158675309',
        text: 'Your parcel leaves today.',
        vendorMessageId: receipt.vendorMessageId,
      },
    ]);
    expect(receipt.status).toBe('accepted');
    const [request] = rig.server.requests();
    expect(request).toMatchObject({
      host: 'messaging.bandwidth.com',
      method: 'POST',
      path: `/api/v2/users/${BANDWIDTH_TEST_ACCOUNT_ID}/messages`,
    });
    expect(JSON.parse(request.body.toString())).toEqual({
      applicationId: BANDWIDTH_TEST_APPLICATION_ID,
      to: ['+14158675309'],
      from: '+14155552671',
      text: 'Your parcel leaves today.',
      tag: 'b2c-thread-1234',
    });
  });

  it('reads the invalid-number refusal as refused, with the Bandwidth error type', async () => {
    const error = await rejection(sender.send(sms(STAND_IN_REFUSED_NUMBER), settings(), rig.http));
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail).toMatchObject({
      status: 400,
      code: 'request-validation',
    });
    expect(error.message).toContain('to: ');
    expect(rig.sent()).toEqual([]);
  });

  it('reads wrong API credentials as refused, never naming the password', async () => {
    const wrong = 'bandwidth-wrong-password-1';
    const error = await rejection(
      sender.send(sms('+14158675309'), settings({ apiPassword: wrong }), rig.http),
    );
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(wrong);
  });

  it('gives an unknown outcome when Bandwidth never answers', async () => {
    const impatient: OutboundHttp = {
      request: (request) => rig.http.request({ ...request, timeoutMs: 300 }),
    };
    const error = await rejection(sender.send(sms(STAND_IN_HANGING_NUMBER), settings(), impatient));
    expect(error).toBeInstanceOf(SendOutcomeUnknownError);
  });

  it('maps throttling, a 5xx and a 202 without a message id', async () => {
    // Canned answers in Bandwidth's documented shapes: the stand-in never throttles.
    const answering = (status: number, body: unknown): OutboundHttp => ({
      request: (): Promise<OutboundResponse> =>
        Promise.resolve({ status, headers: {}, body: Buffer.from(JSON.stringify(body)) }),
    });
    const send = (http: OutboundHttp) =>
      rejection(sender.send(sms('+14158675309'), settings(), http));
    const throttled = await send(
      answering(429, { type: 'too-many-requests', description: 'Too Many Requests' }),
    );
    expect(throttled).toBeInstanceOf(SendDeferredError);
    expect((throttled as SendDeferredError).detail.code).toBe('too-many-requests');
    expect(await send(answering(500, {}))).toBeInstanceOf(SendOutcomeUnknownError);
    expect(await send(answering(202, {}))).toBeInstanceOf(SendOutcomeUnknownError);
  });

  it('reads delivered and failed callbacks as receipts', async () => {
    const sent = {
      vendorMessageId: '1589228074636lm4k2je7j7jklbn2',
      from: '+14155552671',
      to: '+14158675309',
    };
    const delivered = await stored(conformance.send!.receipt('r1', sent, 'delivered'));
    expect(delivered.kind).toBe('status');
    expect(sender.receipt(delivered)).toEqual({
      vendorMessageId: sent.vendorMessageId,
      status: 'delivered',
    });
    const failed = await stored(conformance.send!.receipt('r2', sent, 'failed'));
    expect(sender.receipt(failed)).toEqual({
      vendorMessageId: sent.vendorMessageId,
      status: 'failed',
      errorCode: '4720',
    });
  });

  it('reads no receipt out of an inbound text', async () => {
    const message = await stored(
      conformance.send!.inbound('in-1', {
        from: '+14158675309',
        to: '+14155552671',
        text: 'Thanks!',
      }),
    );
    expect(message).toMatchObject({
      kind: 'sms',
      from: '+14158675309',
      to: '+14155552671',
      text: 'Thanks!',
    });
    expect(sender.receipt(message)).toBeUndefined();
  });
});
