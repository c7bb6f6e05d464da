import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { startSendTestRig, type SendTestRig } from '../kit/fixtures/send-test-http';
import {
  SendDeferredError,
  SendOutcomeUnknownError,
  SendRefusedError,
  type OutboundSms,
} from '../kit/send';
import {
  STAND_IN_HANGING_NUMBER,
  STAND_IN_REFUSED_NUMBER,
  type SendStandIn,
} from '../kit/send-stand-in';
import {
  VONAGE_SMS_TEST_SECRET,
  vonageSmsWebhookRequest,
} from './fixtures/signed-vonage-sms-request';
import { VONAGE_API_KEY } from './fixtures/vonage-sms-payloads';
import {
  VONAGE_SMS_TEST_API_SECRET,
  vonageSmsSendStandIn,
} from './fixtures/vonage-sms-send.stand-in';
import { conformance } from './fixtures/vonage-sms.conformance';
import { vonageSmsSender } from './vonage-sms-send';
import { VonageSmsSettings } from './vonage-sms.settings';
import { VonageSmsVendor } from './vonage-sms.vendor';

const settingsOf = (values: Record<string, unknown>) =>
  plainToInstance(VonageSmsSettings, values, { exposeDefaultValues: true });
const SETTINGS = settingsOf({
  signatureSecret: VONAGE_SMS_TEST_SECRET,
  apiKey: VONAGE_API_KEY,
  apiSecret: VONAGE_SMS_TEST_API_SECRET,
});
const sms = (to = '+14843472194', text = 'Your replacement ships today'): OutboundSms => ({
  from: '+13239877404',
  to,
  text,
  reference: 'b2c-thread-1234',
});

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('Vonage SMS sender settings', () => {
  it('keeps the inbound-only configuration valid and names what sending lacks', () => {
    const inboundOnly = settingsOf({ signatureSecret: VONAGE_SMS_TEST_SECRET });
    expect(validateSync(inboundOnly)).toEqual([]);
    expect(inboundOnly.apiBaseUrl).toBe('https://rest.nexmo.com');
    expect(vonageSmsSender.missingSettings(inboundOnly)).toEqual(['apiKey', 'apiSecret']);
    expect(vonageSmsSender.missingSettings(SETTINGS)).toEqual([]);
    expect(vonageSmsSender.targets(SETTINGS)).toEqual(['https://rest.nexmo.com/sms/json']);
    expect(new VonageSmsVendor().sender).toBe(vonageSmsSender);
  });
});

describe('Vonage SMS sender against the stand-in over HTTPS', () => {
  let rig: SendTestRig;

  beforeAll(async () => {
    rig = await startSendTestRig(vonageSmsSendStandIn());
  });
  afterAll(() => rig?.close());
  beforeEach(() => rig.server.clear());

  it('sends the documented fields as JSON with Basic auth and returns the message-id', async () => {
    const receipt = await vonageSmsSender.send(sms(), SETTINGS, rig.http);
    expect(receipt).toEqual({
      vendorMessageId: expect.stringMatching(/^[0-9A-F]{16}$/),
      status: 'accepted',
    });
    expect(rig.sent()).toEqual([
      {
        vendor: 'vonage-sms',
        from: '+13239877404',
        to: '+14843472194',
        text: 'Your replacement ships today',
        vendorMessageId: receipt.vendorMessageId,
      },
    ]);
    const [request] = rig.server.requests();
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from(`${VONAGE_API_KEY}:${VONAGE_SMS_TEST_API_SECRET}`).toString('base64')}`,
    );
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body.toString())).toEqual({
      from: '13239877404',
      to: '14843472194',
      text: 'Your replacement ships today',
      type: 'text',
      'client-ref': 'b2c-thread-1234',
    });
  });

  it('asks for unicode only when a character is outside GSM-7', async () => {
    await vonageSmsSender.send(sms(undefined, 'Danke für Ihre Geduld 😊'), SETTINGS, rig.http);
    await vonageSmsSender.send(sms(undefined, 'Danke für Ihre Geduld'), SETTINGS, rig.http);
    const types = rig.server
      .requests()
      .map((request) => (JSON.parse(request.body.toString()) as { type: string }).type);
    expect(types).toEqual(['unicode', 'text']);
  });

  it('reads a refusal inside the 200: the invalid number is refused with its status', async () => {
    const error = await failureOf(
      vonageSmsSender.send(sms(STAND_IN_REFUSED_NUMBER), SETTINGS, rig.http),
    );
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail).toEqual({
      status: 200,
      code: '3',
      reason: 'Invalid to address',
    });
    expect(rig.sent()).toEqual([]);
  });

  it('refuses bad credentials (status 4) without naming the secret', async () => {
    const wrong = settingsOf({ ...SETTINGS, apiSecret: 'not-the-secret' });
    const error = await failureOf(vonageSmsSender.send(sms(), wrong, rig.http));
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail.code).toBe('4');
    expect(error.message).not.toContain('not-the-secret');
  });

  it('a hanging send is an unknown outcome', async () => {
    const error = await failureOf(
      vonageSmsSender.send(sms(STAND_IN_HANGING_NUMBER), SETTINGS, rig.withTimeout(300)),
    );
    expect(error).toBeInstanceOf(SendOutcomeUnknownError);
  });
});

describe('Vonage SMS answers inside a 200', () => {
  /** Answers every request with the next scripted 200 body, under its own host. */
  let next: unknown = {};
  const scripted: SendStandIn = {
    vendor: 'scripted',
    hosts: ['scripted.nexmo.test'],
    env: {},
    handle: () => ({ kind: 'refused', answer: { status: 200, body: next } }),
  };
  const SCRIPTED = settingsOf({ ...SETTINGS, apiBaseUrl: 'https://scripted.nexmo.test' });
  let rig: SendTestRig;
  beforeAll(async () => {
    rig = await startSendTestRig(scripted);
  });
  afterAll(() => rig?.close());
  const send = (body: unknown) => {
    next = body;
    return vonageSmsSender.send(sms(), SCRIPTED, rig.http);
  };

  it.each([
    ['1', 'Throttled', SendDeferredError],
    ['5', 'Internal Error', SendDeferredError],
    ['7', 'Number Barred', SendRefusedError],
    ['9', 'Partner Quota Violation', SendRefusedError],
  ])('status %s (%s) maps to %p', async (status, errorText, type) => {
    const error = await failureOf(
      send({ 'message-count': '1', messages: [{ status, 'error-text': errorText }] }),
    );
    expect(error).toBeInstanceOf(type);
    expect(error.message).toContain(errorText);
  });

  it('a split message is accepted only when every part is', async () => {
    const ok = { status: '0', 'message-id': '0A0000000123ABCD' };
    const barred = { status: '7', 'error-text': 'Number Barred' };
    const accepted = await send({
      'message-count': '2',
      messages: [ok, { ...ok, 'message-id': '0A0000000123ABCE' }],
    });
    expect(accepted.vendorMessageId).toBe('0A0000000123ABCD');
    await expect(send({ 'message-count': '2', messages: [ok, barred] })).rejects.toBeInstanceOf(
      SendRefusedError,
    );
  });

  it('a 200 without messages is an unknown outcome', async () => {
    await expect(send({})).rejects.toBeInstanceOf(SendOutcomeUnknownError);
  });
});

describe('Vonage SMS delivery receipts', () => {
  const vendor = new VonageSmsVendor();
  const sent = { vendorMessageId: '0A0000000123ABCD', from: '+13239877404', to: '+14843472194' };

  async function parsed(outcome: 'delivered' | 'failed') {
    const delivery = await conformance.send!.receipt('id', sent, outcome);
    const request = vonageSmsWebhookRequest({
      headers: delivery.headers,
      body: delivery.body.toString(),
    });
    vendor.verify(request, SETTINGS);
    return vendor.parse(request);
  }

  it('reads a delivered receipt', async () => {
    const [message] = await parsed('delivered');
    expect(message.kind).toBe('status');
    expect(vonageSmsSender.receipt(message)).toEqual({
      vendorMessageId: sent.vendorMessageId,
      status: 'delivered',
    });
  });

  it('reads a failed receipt with its err-code', async () => {
    const [message] = await parsed('failed');
    expect(vonageSmsSender.receipt(message)).toEqual({
      vendorMessageId: sent.vendorMessageId,
      status: 'failed',
      errorCode: '2',
    });
  });
});
