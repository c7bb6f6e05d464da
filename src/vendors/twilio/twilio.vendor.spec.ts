import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import {
  INBOUND_SMS_SID,
  OUTBOUND_SID,
  signedTwilioRequest,
  TWILIO_TEST_AUTH_TOKEN,
  TWILIO_TEST_URL,
  twilioInboundMms,
  twilioInboundSms,
  twilioInboundWhatsApp,
  twilioSeedMessageJson,
  twilioStatusDelivered,
  twilioStatusFailed,
  twilioStatusSent,
} from './fixtures';
import { TwilioVendor } from './twilio.vendor';
import { TwilioSettings } from './twilio.settings';

const vendor = new TwilioVendor();
const settings = plainToInstance(TwilioSettings, { authToken: TWILIO_TEST_AUTH_TOKEN });

describe('TwilioSettings', () => {
  it('accepts a resolved auth token', () => {
    expect(validateSync(settings)).toEqual([]);
  });

  it.each([[{}], [{ authToken: '' }], [{ authToken: 12345 }]])(
    'refuses %j, naming authToken',
    (plain) => {
      const errors = validateSync(plainToInstance(TwilioSettings, plain));
      expect(errors.map((e) => e.property)).toEqual(['authToken']);
    },
  );
});

describe('TwilioVendor', () => {
  it('describes itself for registration', () => {
    expect(vendor.name).toBe('twilio');
    expect(vendor.settingsClass).toBe(TwilioSettings);
    expect(vendor.secretSettings).toEqual(['authToken', 'apiKeySecret']);
    expect([...vendor.contentTypes].sort()).toEqual([
      'application/json',
      'application/x-www-form-urlencoded',
    ]);
  });

  it.each([
    ['inbound SMS', twilioInboundSms, 'sms', INBOUND_SMS_SID],
    ['inbound MMS', twilioInboundMms, 'mms', twilioInboundMms.MessageSid],
    ['WhatsApp', twilioInboundWhatsApp, 'sms', twilioInboundWhatsApp.MessageSid],
    ['status sent', twilioStatusSent, 'status', `${OUTBOUND_SID}:sent`],
    ['status delivered', twilioStatusDelivered, 'status', `${OUTBOUND_SID}:delivered`],
    ['status failed', twilioStatusFailed, 'status', `${OUTBOUND_SID}:failed`],
  ])('verifies and parses a signed %s form webhook', (_label, params, kind, messageId) => {
    const { request } = signedTwilioRequest({
      authToken: TWILIO_TEST_AUTH_TOKEN,
      url: TWILIO_TEST_URL,
      params,
    });
    expect(() => vendor.verify(request, settings)).not.toThrow();
    const messages = vendor.parse(request, settings);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ vendor: 'twilio', kind, messageId });
    expect(messages[0].receivedAt).toBe(request.receivedAt.toISOString());
  });

  it('verifies and parses a signed JSON webhook (seed payload)', () => {
    const { request } = signedTwilioRequest({
      authToken: TWILIO_TEST_AUTH_TOKEN,
      url: `${TWILIO_TEST_URL}?tenant=acme`,
      json: twilioSeedMessageJson,
    });
    expect(request.publicUrl).toMatch(/\?tenant=acme&bodySHA256=[0-9a-f]{64}$/);
    expect(request.query).toMatch(/^tenant=acme&bodySHA256=[0-9a-f]{64}$/);
    expect(() => vendor.verify(request, settings)).not.toThrow();
    expect(vendor.parse(request, settings)[0]).toMatchObject({
      kind: 'sms',
      messageId: twilioSeedMessageJson.sid,
    });
  });

  it('checks the signature against publicUrl, not anything else in the request', () => {
    const { request } = signedTwilioRequest({
      authToken: TWILIO_TEST_AUTH_TOKEN,
      url: TWILIO_TEST_URL,
      params: twilioInboundSms,
    });
    const moved = { ...request, publicUrl: 'https://other.example.com/vendors/twilio/webhook' };
    expect(() => vendor.verify(moved, settings)).toThrow('signature mismatch');
  });

  it('rejects a request signed with another token', () => {
    const { request } = signedTwilioRequest({
      authToken: 'someone-elses-token',
      url: TWILIO_TEST_URL,
      params: twilioInboundSms,
    });
    expect(() => vendor.verify(request, settings)).toThrow(SignatureRejectedError);
  });

  it('rejects a tampered body', () => {
    const { request } = signedTwilioRequest({
      authToken: TWILIO_TEST_AUTH_TOKEN,
      url: TWILIO_TEST_URL,
      params: twilioInboundSms,
    });
    const rawBody = Buffer.from(
      request.rawBody.toString().replace('%2B14158675309', '%2B14155550100'),
    );
    expect(() => vendor.verify({ ...request, rawBody }, settings)).toThrow('signature mismatch');
  });

  it('rejects a request without, or with a duplicated, X-Twilio-Signature header', () => {
    const { request, signature } = signedTwilioRequest({
      authToken: TWILIO_TEST_AUTH_TOKEN,
      url: TWILIO_TEST_URL,
      params: twilioInboundSms,
    });
    const unsigned = { ...request.headers, 'x-twilio-signature': undefined };
    expect(() => vendor.verify({ ...request, headers: unsigned }, settings)).toThrow(
      'X-Twilio-Signature header missing',
    );
    const doubled = { ...request.headers, 'x-twilio-signature': [signature, signature] };
    expect(() => vendor.verify({ ...request, headers: doubled }, settings)).toThrow(
      'X-Twilio-Signature header duplicated',
    );
  });

  it('acknowledges with an empty TwiML response as text/xml', () => {
    const { request } = signedTwilioRequest({
      authToken: TWILIO_TEST_AUTH_TOKEN,
      url: TWILIO_TEST_URL,
      params: twilioInboundSms,
    });
    const ack = vendor.acknowledge(vendor.parse(request, settings), request);
    expect(ack).toEqual({
      status: 200,
      contentType: 'text/xml',
      body: '<?xml version="1.0" encoding="UTF-8"?><Response/>',
    });
    // Each call hands out its own object, so a caller cannot alter later replies.
    ack.body = 'changed';
    expect(vendor.acknowledge([], request).body).toContain('<Response/>');
  });
});

describe('signedTwilioRequest', () => {
  it('returns what to send over HTTP and the matching WebhookRequest', () => {
    const signed = signedTwilioRequest({
      authToken: TWILIO_TEST_AUTH_TOKEN,
      url: 'https://gateway.example.com:8443/vendors/twilio/webhook?x=1#frag',
      params: { Body: 'a b+c', From: '+14158675309' },
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    });
    expect(signed.path).toBe('/vendors/twilio/webhook?x=1');
    expect(signed.request.query).toBe('x=1');
    expect(signed.body.toString()).toBe('Body=a+b%2Bc&From=%2B14158675309');
    expect(signed.request.rawBody.equals(signed.body)).toBe(true);
    expect(signed.headers).toEqual({
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'x-twilio-signature': signed.signature,
    });
    expect(signed.request.contentType).toBe('application/x-www-form-urlencoded');
    expect(signed.request.method).toBe('POST');
    expect(signed.request.vendor).toBe('twilio');
  });

  it('refuses params and json together', () => {
    expect(() =>
      signedTwilioRequest({ authToken: 't', url: TWILIO_TEST_URL, params: [], json: {} }),
    ).toThrow('params or json');
  });
});
