import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { OutboundHttp, OutboundResponse } from '../../allowlist/outbound/outbound-http.port';
import type { InboundMessage } from '../../messages/inbound-message';
import { startSendTestRig, type SendTestRig } from '../kit/fixtures/send-test-http';
import {
  SendDeferredError,
  SendOutcomeUnknownError,
  SendRefusedError,
  type OutboundSms,
} from '../kit/send';
import { STAND_IN_HANGING_NUMBER, STAND_IN_REFUSED_NUMBER } from '../kit/send-stand-in';
import { TELNYX_TEST_KEYS, telnyxWebhookRequest } from './fixtures/signed-telnyx-request';
import { conformance } from './fixtures/telnyx.conformance';
import { TELNYX_TEST_API_KEY, telnyxSendStandIn } from './fixtures/telnyx-send.stand-in';
import { TelnyxSettings } from './telnyx.settings';
import { TelnyxVendor } from './telnyx.vendor';

const vendor = new TelnyxVendor();
const sender = vendor.sender;

function settings(values: Record<string, unknown> = {}): TelnyxSettings {
  return plainToInstance(
    TelnyxSettings,
    { publicKey: TELNYX_TEST_KEYS.publicKeyBase64, apiKey: TELNYX_TEST_API_KEY, ...values },
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

/** A status callback as the gateway stores it: the kit's signed receipt, parsed by the vendor. */
async function storedReceipt(
  sent: { vendorMessageId: string; from: string; to: string },
  outcome: 'delivered' | 'failed',
): Promise<InboundMessage> {
  const delivery = await conformance.send!.receipt('evt-1', sent, outcome);
  const request = telnyxWebhookRequest({
    path: delivery.path,
    headers: delivery.headers,
    body: delivery.body.toString(),
  });
  vendor.verify(request, settings());
  const [message] = vendor.parse(request);
  return message;
}

describe('Telnyx sender', () => {
  let rig: SendTestRig;

  beforeAll(async () => {
    rig = await startSendTestRig(telnyxSendStandIn());
  });
  afterAll(() => rig?.close());
  beforeEach(() => rig.server.clear());

  it('keeps sending optional: inbound-only settings validate, and name the missing API key', () => {
    const inboundOnly = settings({ apiKey: undefined });
    expect(validateSync(inboundOnly)).toEqual([]);
    expect(inboundOnly.apiBaseUrl).toBe('https://api.telnyx.com');
    expect(sender.missingSettings(inboundOnly)).toEqual(['apiKey']);
    expect(sender.missingSettings(settings())).toEqual([]);
    expect(vendor.secretSettings).toEqual(['apiKey']);
    expect(sender.targets(settings())).toEqual(['https://api.telnyx.com/v2/messages']);
    expect(sender.targets(settings({ apiBaseUrl: 'https://demo.example/' }))).toEqual([
      'https://demo.example/v2/messages',
    ]);
    expect(validateSync(settings({ apiBaseUrl: 'api.telnyx.com' }))).toHaveLength(1);
  });

  it('sends over HTTPS to the stand-in and returns the message id Telnyx answered', async () => {
    const receipt = await sender.send(sms('+14155550100'), settings(), rig.http);
    const [sent] = rig.sent();
    expect(rig.sent()).toHaveLength(1);
    expect(sent).toMatchObject({
      vendor: 'telnyx',
      from: '+12015550123',
      to: '+14155550100',
      text: 'Your parcel leaves today.',
    });
    expect(receipt).toEqual({ vendorMessageId: sent.vendorMessageId, status: 'queued' });
    const [request] = rig.server.requests();
    expect(request).toMatchObject({ host: 'api.telnyx.com', method: 'POST', path: '/v2/messages' });
    expect(request.headers['idempotency-key']).toBe('b2c-thread-1234');
    expect(JSON.parse(request.body.toString())).toEqual({
      from: '+12015550123',
      to: '+14155550100',
      text: 'Your parcel leaves today.',
    });
  });

  it('reads the invalid-number refusal as refused, with the Telnyx code', async () => {
    const error = await rejection(sender.send(sms(STAND_IN_REFUSED_NUMBER), settings(), rig.http));
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail).toMatchObject({ status: 400, code: '40310' });
    expect(error.message).toContain("Invalid 'to' address");
    expect(rig.sent()).toEqual([]);
  });

  it('reads a wrong API key as refused (10009), never naming the key', async () => {
    const wrongKey = 'KEY0190D0F4A4C27A1B2C3D4E5F6A7B8C9D_wrongwrongwrong';
    const error = await rejection(
      sender.send(sms('+14155550100'), settings({ apiKey: wrongKey }), rig.http),
    );
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail).toMatchObject({ status: 401, code: '10009' });
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(wrongKey);
  });

  it('gives an unknown outcome when Telnyx never answers', async () => {
    const impatient: OutboundHttp = {
      request: (request) => rig.http.request({ ...request, timeoutMs: 300 }),
    };
    const started = Date.now();
    const error = await rejection(sender.send(sms(STAND_IN_HANGING_NUMBER), settings(), impatient));
    expect(error).toBeInstanceOf(SendOutcomeUnknownError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('maps throttling, a 5xx and a 200 without a message id', async () => {
    // Canned answers in Telnyx's documented shapes: the stand-in never throttles.
    const answering = (status: number, body: unknown, headers = {}): OutboundHttp => ({
      request: (): Promise<OutboundResponse> =>
        Promise.resolve({ status, headers, body: Buffer.from(JSON.stringify(body)) }),
    });
    const throttled = await rejection(
      sender.send(
        sms('+14155550100'),
        settings(),
        answering(
          429,
          { errors: [{ code: '10011', title: 'Too many requests' }] },
          { 'retry-after': '2' },
        ),
      ),
    );
    expect(throttled).toBeInstanceOf(SendDeferredError);
    expect((throttled as SendDeferredError).retryAfterMs).toBe(2000);
    expect((throttled as SendDeferredError).detail.code).toBe('10011');
    const broken = await rejection(
      sender.send(sms('+14155550100'), settings(), answering(503, { errors: [] })),
    );
    expect(broken).toBeInstanceOf(SendOutcomeUnknownError);
    const blank = await rejection(
      sender.send(sms('+14155550100'), settings(), answering(200, { data: {} })),
    );
    expect(blank).toBeInstanceOf(SendOutcomeUnknownError);
  });

  it('reads delivered and failed message.finalized callbacks as receipts', async () => {
    const sent = { vendorMessageId: 'msg-out-1', from: '+12015550123', to: '+14155550100' };
    const delivered = await storedReceipt(sent, 'delivered');
    expect(delivered.kind).toBe('status');
    expect(sender.receipt(delivered)).toEqual({
      vendorMessageId: 'msg-out-1',
      status: 'delivered',
    });
    const failed = await storedReceipt(sent, 'failed');
    expect(sender.receipt(failed)).toEqual({
      vendorMessageId: 'msg-out-1',
      status: 'delivery_failed',
      errorCode: '40008',
    });
  });

  it('reads no receipt out of an inbound text', async () => {
    const delivery = await conformance.send!.inbound('in-1', {
      from: '+14155550100',
      to: '+12015550123',
      text: 'Thanks!',
    });
    const [message] = vendor.parse(
      telnyxWebhookRequest({
        path: delivery.path,
        headers: delivery.headers,
        body: delivery.body.toString(),
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
