import { plainToInstance } from 'class-transformer';
import { startSendTestRig, type SendTestRig } from '../kit/fixtures/send-test-http';
import { SendOutcomeUnknownError, SendRefusedError, type OutboundSms } from '../kit/send';
import { STAND_IN_HANGING_NUMBER, STAND_IN_REFUSED_NUMBER } from '../kit/send-stand-in';
import { __NAME___TEST_SECRET } from './fixtures/signed-__name__-request';
import { __NAME___API_HOST, __NAME___TEST_API_KEY, __camel__SendStandIn } from './fixtures/__name__-send.stand-in';
import { __camel__Sender } from './__name__-send';
import { __Name__Settings } from './__name__.settings';

const SETTINGS = plainToInstance(
  __Name__Settings,
  { signingSecret: __NAME___TEST_SECRET, apiKey: __NAME___TEST_API_KEY, apiBaseUrl: `https://${__NAME___API_HOST}` },
  { exposeDefaultValues: true },
);
const sms = (to = '+14158675309'): OutboundSms => ({
  from: '+14155552671',
  to,
  text: 'Your replacement ships today',
  reference: 'b2c-thread-1',
});

describe('__Name__ sender against its stand-in over HTTPS', () => {
  let rig: SendTestRig;
  beforeAll(async () => {
    rig = await startSendTestRig(__camel__SendStandIn());
  });
  afterAll(() => rig?.close());
  beforeEach(() => rig.server.clear());

  it('sends and returns the vendor message id', async () => {
    const receipt = await __camel__Sender.send(sms(), SETTINGS, rig.http);
    expect(rig.sent()).toEqual([
      { vendor: '__name__', from: '+14155552671', to: '+14158675309', text: sms().text, vendorMessageId: receipt.vendorMessageId },
    ]);
  });

  it('refuses the invalid number', async () => {
    await expect(__camel__Sender.send(sms(STAND_IN_REFUSED_NUMBER), SETTINGS, rig.http)).rejects.toBeInstanceOf(
      SendRefusedError,
    );
  });

  it('a hanging send is an unknown outcome', async () => {
    await expect(
      __camel__Sender.send(sms(STAND_IN_HANGING_NUMBER), SETTINGS, rig.withTimeout(300)),
    ).rejects.toBeInstanceOf(SendOutcomeUnknownError);
  });
});
