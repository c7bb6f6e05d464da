import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { startSendTestRig, type SendTestRig } from '../kit/fixtures/send-test-http';
import { SendOutcomeUnknownError, SendRefusedError, type OutboundSms } from '../kit/send';
import { STAND_IN_HANGING_NUMBER, STAND_IN_REFUSED_NUMBER } from '../kit/send-stand-in';
import { PLIVO_TEST_AUTH_TOKEN, plivoWebhookRequest } from './fixtures/signed-plivo-request';
import { PLIVO_TEST_AUTH_ID, plivoSendStandIn } from './fixtures/plivo-send.stand-in';
import { conformance } from './fixtures/plivo.conformance';
import { plivoSender } from './plivo-send';
import { PlivoSettings } from './plivo.settings';
import { PlivoVendor } from './plivo.vendor';

const settingsOf = (values: Record<string, unknown>) =>
  plainToInstance(PlivoSettings, values, { exposeDefaultValues: true });
const SETTINGS = settingsOf({ authToken: PLIVO_TEST_AUTH_TOKEN, authId: PLIVO_TEST_AUTH_ID });
const sms = (to = '+14155550100'): OutboundSms => ({
  from: '+12015550123',
  to,
  text: 'Your replacement ships today',
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

describe('Plivo sender settings', () => {
  it('keeps the inbound-only configuration valid and names what sending lacks', () => {
    const inboundOnly = settingsOf({ authToken: PLIVO_TEST_AUTH_TOKEN });
    expect(validateSync(inboundOnly)).toEqual([]);
    expect(plivoSender.missingSettings(inboundOnly)).toEqual(['authId']);
    expect(plivoSender.missingSettings(SETTINGS)).toEqual([]);
    expect(plivoSender.targets(SETTINGS)).toEqual([
      `https://api.plivo.com/v1/Account/${PLIVO_TEST_AUTH_ID}/Message/`,
    ]);
    expect(validateSync(settingsOf({ authToken: 'x', authId: 'nope' }))).toHaveLength(1);
    expect(new PlivoVendor().sender).toBe(plivoSender);
  });
});

describe('Plivo sender against the stand-in over HTTPS', () => {
  let rig: SendTestRig;

  beforeAll(async () => {
    rig = await startSendTestRig(plivoSendStandIn());
  });
  afterAll(() => rig?.close());
  beforeEach(() => rig.server.clear());

  it('sends src/dst/text as JSON with Basic auth and returns the message_uuid', async () => {
    const receipt = await plivoSender.send(sms(), SETTINGS, rig.http);
    expect(receipt).toEqual({
      vendorMessageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'queued',
    });
    expect(rig.sent()).toEqual([
      {
        vendor: 'plivo',
        from: '+12015550123',
        to: '+14155550100',
        text: 'Your replacement ships today',
        vendorMessageId: receipt.vendorMessageId,
      },
    ]);
    expect(JSON.parse(rig.server.requests()[0].body.toString())).toEqual({
      src: '12015550123',
      dst: '14155550100',
      text: 'Your replacement ships today',
      type: 'sms',
    });
  });

  it('asks for status callbacks at the configured URL', async () => {
    const statusCallbackUrl = 'https://gateway.example.com/vendors/plivo/webhook';
    await plivoSender.send(sms(), settingsOf({ ...SETTINGS, statusCallbackUrl }), rig.http);
    expect(JSON.parse(rig.server.requests()[0].body.toString())).toMatchObject({
      url: statusCallbackUrl,
      method: 'POST',
    });
  });

  it("refuses the invalid number with Plivo's reason", async () => {
    const error = await failureOf(
      plivoSender.send(sms(STAND_IN_REFUSED_NUMBER), SETTINGS, rig.http),
    );
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail).toEqual({
      status: 400,
      reason: 'invalid dst parameter',
    });
    expect(rig.sent()).toEqual([]);
  });

  it('refuses wrong credentials (401) without naming the token', async () => {
    const wrong = settingsOf({ ...SETTINGS, authToken: 'not-the-token' });
    const error = await failureOf(plivoSender.send(sms(), wrong, rig.http));
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail.status).toBe(401);
    expect(error.message).not.toContain('not-the-token');
  });

  it('a hanging send is an unknown outcome', async () => {
    const error = await failureOf(
      plivoSender.send(sms(STAND_IN_HANGING_NUMBER), SETTINGS, rig.withTimeout(300)),
    );
    expect(error).toBeInstanceOf(SendOutcomeUnknownError);
  });
});

describe('Plivo delivery receipts', () => {
  const vendor = new PlivoVendor();
  const sent = {
    vendorMessageId: '5b40a428-bfc7-4daf-9d06-726c558bf3b8',
    from: '+12015550123',
    to: '+14155550100',
  };

  async function parsed(outcome: 'delivered' | 'failed') {
    const delivery = await conformance.send!.receipt('id', sent, outcome);
    const request = plivoWebhookRequest({
      path: delivery.path,
      headers: delivery.headers,
      body: delivery.body.toString(),
    });
    vendor.verify(request, SETTINGS);
    return vendor.parse(request);
  }

  it('reads a delivered callback', async () => {
    const [message] = await parsed('delivered');
    expect(message.kind).toBe('status');
    expect(plivoSender.receipt(message)).toEqual({
      vendorMessageId: sent.vendorMessageId,
      status: 'delivered',
    });
  });

  it('reads a failed callback with its error code', async () => {
    const [message] = await parsed('failed');
    expect(plivoSender.receipt(message)).toEqual({
      vendorMessageId: sent.vendorMessageId,
      status: 'failed',
      errorCode: '70',
    });
  });
});
