import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { OutboundHttp, OutboundResponse } from '../../allowlist/outbound/outbound-http.port';
import type { InboundMessage } from '../../messages/inbound-message';
import type { TestDelivery } from '../conformance/conformance-kit';
import { startSendTestRig, type SendTestRig } from '../kit/fixtures/send-test-http';
import {
  SendDeferredError,
  SendOutcomeUnknownError,
  SendRefusedError,
  type OutboundSms,
} from '../kit/send';
import { STAND_IN_HANGING_NUMBER, STAND_IN_REFUSED_NUMBER } from '../kit/send-stand-in';
import { SINCH_TEST_SECRET, sinchWebhookRequest } from './fixtures/signed-sinch-request';
import { conformance } from './fixtures/sinch.conformance';
import {
  SINCH_TEST_API_TOKEN,
  SINCH_TEST_SERVICE_PLAN_ID,
  sinchSendStandIn,
} from './fixtures/sinch-send.stand-in';
import { SinchSettings } from './sinch.settings';
import { SinchVendor } from './sinch.vendor';

const vendor = new SinchVendor();
const sender = vendor.sender;

function settings(values: Record<string, unknown> = {}): SinchSettings {
  return plainToInstance(
    SinchSettings,
    {
      webhookSecret: SINCH_TEST_SECRET,
      servicePlanId: SINCH_TEST_SERVICE_PLAN_ID,
      apiToken: SINCH_TEST_API_TOKEN,
      ...values,
    },
    { exposeDefaultValues: true },
  );
}

const sms = (to: string): OutboundSms => ({
  from: '+12015550123',
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

/** What the gateway stores for a kit delivery: verified and parsed by the vendor. */
async function stored(delivery: TestDelivery | Promise<TestDelivery>): Promise<InboundMessage> {
  const { path, headers, body } = await delivery;
  const request = sinchWebhookRequest({ path, headers, body: body.toString() });
  vendor.verify(request, settings());
  const [message] = vendor.parse(request);
  return message;
}

describe('Sinch sender', () => {
  let rig: SendTestRig;

  beforeAll(async () => {
    rig = await startSendTestRig(sinchSendStandIn());
  });
  afterAll(() => rig?.close());
  beforeEach(() => rig.server.clear());

  it('keeps sending optional: inbound-only settings validate, and name what is missing', () => {
    const inboundOnly = settings({ servicePlanId: undefined, apiToken: undefined });
    expect(validateSync(inboundOnly)).toEqual([]);
    expect(inboundOnly.region).toBe('us');
    expect(sender.missingSettings(inboundOnly)).toEqual(['servicePlanId', 'apiToken']);
    expect(sender.missingSettings(settings())).toEqual([]);
    expect(vendor.secretSettings).toEqual(['webhookSecret', 'apiToken']);
    expect(sender.targets(settings())).toEqual([
      `https://us.sms.api.sinch.com/xms/v1/${SINCH_TEST_SERVICE_PLAN_ID}/batches`,
    ]);
    expect(sender.targets(settings({ region: 'eu' }))[0]).toMatch(
      /^https:\/\/eu\.sms\.api\.sinch\.com\/xms\/v1\//,
    );
    expect(sender.targets(settings({ apiBaseUrl: 'https://demo.example/' }))[0]).toMatch(
      /^https:\/\/demo\.example\/xms\/v1\//,
    );
    expect(validateSync(settings({ region: 'mars' }))).toHaveLength(1);
  });

  it('sends a batch over HTTPS to the stand-in and returns its batch id', async () => {
    const receipt = await sender.send(sms('+14155550100'), settings(), rig.http);
    expect(rig.sent()).toEqual([
      {
        vendor: 'sinch',
        from: '+12015550123',
        to: '+14155550100',
        text: 'Your parcel leaves today.',
        vendorMessageId: receipt.vendorMessageId,
      },
    ]);
    expect(receipt.status).toBe('queued');
    const [request] = rig.server.requests();
    expect(request).toMatchObject({
      host: 'us.sms.api.sinch.com',
      method: 'POST',
      path: `/xms/v1/${SINCH_TEST_SERVICE_PLAN_ID}/batches`,
    });
    expect(JSON.parse(request.body.toString())).toEqual({
      from: '+12015550123',
      to: ['+14155550100'],
      body: 'Your parcel leaves today.',
      type: 'mt_text',
      delivery_report: 'per_recipient_final',
      client_reference: 'b2c-thread-1234',
    });
  });

  it('sends through the region set in the settings', async () => {
    await sender.send(sms('+14155550100'), settings({ region: 'eu' }), rig.http);
    expect(rig.server.requests()[0].host).toBe('eu.sms.api.sinch.com');
    expect(rig.sent()).toHaveLength(1);
  });

  it('reads the invalid-number refusal as refused, with the Sinch code', async () => {
    const error = await rejection(sender.send(sms(STAND_IN_REFUSED_NUMBER), settings(), rig.http));
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail).toMatchObject({
      status: 400,
      code: 'syntax_invalid_parameter_format',
    });
    expect(rig.sent()).toEqual([]);
  });

  it('reads a wrong API token as refused, never naming the token', async () => {
    const wrong = 'sinch-wrong-token-0000';
    const error = await rejection(
      sender.send(sms('+14155550100'), settings({ apiToken: wrong }), rig.http),
    );
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail.status).toBe(401);
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(wrong);
  });

  it('gives an unknown outcome when Sinch never answers', async () => {
    const impatient: OutboundHttp = {
      request: (request) => rig.http.request({ ...request, timeoutMs: 300 }),
    };
    const error = await rejection(sender.send(sms(STAND_IN_HANGING_NUMBER), settings(), impatient));
    expect(error).toBeInstanceOf(SendOutcomeUnknownError);
  });

  it('maps throttling, a 5xx and a 201 without a batch id', async () => {
    // Canned answers in Sinch's shapes: the stand-in never throttles.
    const answering = (status: number, body: unknown): OutboundHttp => ({
      request: (): Promise<OutboundResponse> =>
        Promise.resolve({ status, headers: {}, body: Buffer.from(JSON.stringify(body)) }),
    });
    const send = (http: OutboundHttp) =>
      rejection(sender.send(sms('+1415555010'), settings(), http));
    expect(await send(answering(429, {}))).toBeInstanceOf(SendDeferredError);
    expect(await send(answering(500, {}))).toBeInstanceOf(SendOutcomeUnknownError);
    expect(await send(answering(201, { to: [] }))).toBeInstanceOf(SendOutcomeUnknownError);
    const blocked = await send(answering(403, { code: 'blocked_account', text: 'Blocked' }));
    expect(blocked).toBeInstanceOf(SendRefusedError);
    expect((blocked as SendRefusedError).detail.code).toBe('blocked_account');
  });

  it('reads delivered and failed delivery reports as receipts', async () => {
    const sent = {
      vendorMessageId: '01FC66621XXXXX119Z8PMV1QPQ',
      from: '+12015550123',
      to: '+14155550100',
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
      errorCode: '402',
    });
  });

  it('reads no receipt out of an inbound text', async () => {
    const message = await stored(
      conformance.send!.inbound('in-1', {
        from: '+14155550100',
        to: '+12015550123',
        text: 'Thanks!',
      }),
    );
    expect(message).toMatchObject({
      kind: 'sms',
      from: '+14155550100',
      to: '+12015550123',
      text: 'Thanks!',
    });
    expect(sender.receipt(message)).toBeUndefined();
  });
});
