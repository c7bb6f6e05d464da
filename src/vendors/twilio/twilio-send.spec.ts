import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { startSendTestRig, type SendTestRig } from '../kit/fixtures/send-test-http';
import { SendOutcomeUnknownError, SendRefusedError, type OutboundSms } from '../kit/send';
import { STAND_IN_HANGING_NUMBER, STAND_IN_REFUSED_NUMBER } from '../kit/send-stand-in';
import { conformance } from './fixtures/twilio.conformance';
import { signedTwilioRequest, TWILIO_TEST_AUTH_TOKEN, TWILIO_TEST_URL } from './fixtures';
import { TWILIO_ACCOUNT_SID } from './fixtures/twilio-payloads';
import { twilioSendStandIn } from './fixtures/twilio-send.stand-in';
import { twilioSender } from './twilio-send';
import { TwilioSettings } from './twilio.settings';
import { TwilioVendor } from './twilio.vendor';

const settingsOf = (values: Record<string, unknown>) =>
  plainToInstance(TwilioSettings, values, { exposeDefaultValues: true });
const SETTINGS = settingsOf({ authToken: TWILIO_TEST_AUTH_TOKEN, accountSid: TWILIO_ACCOUNT_SID });
const sms = (to = '+14158675309'): OutboundSms => ({
  from: '+14155552671',
  to,
  text: 'Your replacement ships today. Reply here with any question — Ana',
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

describe('Twilio sender settings', () => {
  it('keeps the inbound-only configuration valid and names what sending lacks', () => {
    const inboundOnly = settingsOf({ authToken: TWILIO_TEST_AUTH_TOKEN });
    expect(validateSync(inboundOnly)).toEqual([]);
    expect(inboundOnly.apiBaseUrl).toBe('https://api.twilio.com');
    expect(twilioSender.missingSettings(inboundOnly)).toEqual(['accountSid']);
    expect(twilioSender.missingSettings(SETTINGS)).toEqual([]);
    expect(
      twilioSender.missingSettings(
        settingsOf({ ...SETTINGS, apiKeySid: 'SK0123456789abcdef0123456789abcdef' }),
      ),
    ).toEqual(['apiKeySecret']);
  });

  it('refuses an Account SID or base URL of the wrong shape', () => {
    const bad = settingsOf({
      authToken: 'x',
      accountSid: 'AC123',
      apiBaseUrl: 'ftp://api.twilio.com',
    });
    expect(validateSync(bad).map((error) => error.property)).toEqual(['accountSid', 'apiBaseUrl']);
  });

  it('calls only the Messages resource under the base URL, and lists the secrets', () => {
    expect(twilioSender.targets(SETTINGS)).toEqual([
      `https://api.twilio.com/2010-04-01/Accounts/${TWILIO_ACCOUNT_SID}/Messages.json`,
    ]);
    expect(new TwilioVendor().secretSettings).toEqual(['authToken', 'apiKeySecret']);
    expect(new TwilioVendor().sender).toBe(twilioSender);
  });
});

describe('Twilio sender against the stand-in over HTTPS', () => {
  let rig: SendTestRig;

  beforeAll(async () => {
    rig = await startSendTestRig(twilioSendStandIn());
  });
  afterAll(() => rig?.close());
  beforeEach(() => rig.server.clear());

  it('sends To/From/Body with Basic auth and returns the message sid', async () => {
    const receipt = await twilioSender.send(sms(), SETTINGS, rig.http);
    expect(receipt).toEqual({
      vendorMessageId: expect.stringMatching(/^SM[0-9a-f]{32}$/),
      status: 'queued',
    });
    expect(rig.sent()).toEqual([
      {
        vendor: 'twilio',
        from: '+14155552671',
        to: '+14158675309',
        text: sms().text,
        vendorMessageId: receipt.vendorMessageId,
      },
    ]);
    const [request] = rig.server.requests();
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect([...new URLSearchParams(request.body.toString()).keys()]).toEqual([
      'To',
      'From',
      'Body',
    ]);
  });

  it('adds StatusCallback when configured', async () => {
    const statusCallbackUrl = 'https://gateway.example.com/vendors/twilio/webhook';
    await twilioSender.send(sms(), settingsOf({ ...SETTINGS, statusCallbackUrl }), rig.http);
    const form = new URLSearchParams(rig.server.requests()[0].body.toString());
    expect(form.get('StatusCallback')).toBe(statusCallbackUrl);
  });

  it("refuses the invalid number with Twilio's code 21211", async () => {
    const error = await failureOf(
      twilioSender.send(sms(STAND_IN_REFUSED_NUMBER), SETTINGS, rig.http),
    );
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail).toEqual({
      status: 400,
      code: '21211',
      reason: `Invalid 'To' Phone Number: ${STAND_IN_REFUSED_NUMBER}`,
    });
    expect(rig.sent()).toEqual([]);
  });

  it('refuses wrong credentials (20003) without naming the token', async () => {
    const wrong = settingsOf({ ...SETTINGS, authToken: 'ffffffffffffffffffffffffffffffff' });
    const error = await failureOf(twilioSender.send(sms(), wrong, rig.http));
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail.code).toBe('20003');
    expect(error.message).not.toContain('ffffffff');
    expect(error.message).not.toContain(TWILIO_TEST_AUTH_TOKEN);
  });

  it('authenticates with an API key when one is configured', async () => {
    const keyed = settingsOf({
      ...SETTINGS,
      apiKeySid: 'SK0123456789abcdef0123456789abcdef',
      apiKeySecret: 'key-secret',
    });
    // The stand-in knows only the auth token: the request must have used the key.
    const error = await failureOf(twilioSender.send(sms(), keyed, rig.http));
    expect((error as SendRefusedError).detail.code).toBe('20003');
    const expected = `Basic ${Buffer.from('SK0123456789abcdef0123456789abcdef:key-secret').toString('base64')}`;
    expect(rig.server.requests()[0].headers.authorization).toBe(expected);
  });

  it('a hanging send is an unknown outcome', async () => {
    const error = await failureOf(
      twilioSender.send(sms(STAND_IN_HANGING_NUMBER), SETTINGS, rig.withTimeout(300)),
    );
    expect(error).toBeInstanceOf(SendOutcomeUnknownError);
  });
});

describe('Twilio delivery receipts', () => {
  const vendor = new TwilioVendor();
  const sent = {
    vendorMessageId: 'SM0123456789abcdef0123456789abcdef',
    from: '+14155552671',
    to: '+14158675309',
  };

  async function parsed(outcome: 'delivered' | 'failed') {
    const delivery = await conformance.send!.receipt('id', sent, outcome);
    const { request } = signedTwilioRequest({
      authToken: TWILIO_TEST_AUTH_TOKEN,
      url: TWILIO_TEST_URL,
      params: Object.fromEntries(new URLSearchParams(delivery.body.toString())),
    });
    vendor.verify(request, SETTINGS);
    return vendor.parse(request, SETTINGS);
  }

  it('reads a delivered callback', async () => {
    const [message] = await parsed('delivered');
    expect(message.kind).toBe('status');
    expect(twilioSender.receipt(message)).toEqual({
      vendorMessageId: sent.vendorMessageId,
      status: 'delivered',
    });
  });

  it('reads a failed callback with its error code', async () => {
    const [message] = await parsed('failed');
    expect(twilioSender.receipt(message)).toEqual({
      vendorMessageId: sent.vendorMessageId,
      status: 'failed',
      errorCode: '30003',
    });
  });

  it('reads nothing from an inbound text', async () => {
    const delivery = await conformance.send!.inbound('SMabc0123456789', {
      from: '+14158675309',
      to: '+14155552671',
      text: 'hello',
    });
    const { request } = signedTwilioRequest({
      authToken: TWILIO_TEST_AUTH_TOKEN,
      url: TWILIO_TEST_URL,
      params: Object.fromEntries(new URLSearchParams(delivery.body.toString())),
    });
    const [message] = vendor.parse(request, SETTINGS);
    expect(message).toMatchObject({
      kind: 'sms',
      from: '+14158675309',
      to: '+14155552671',
      text: 'hello',
    });
    expect(twilioSender.receipt(message)).toBeUndefined();
  });
});
