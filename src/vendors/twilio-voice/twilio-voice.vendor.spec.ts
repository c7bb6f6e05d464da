import twilio from 'twilio';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import { signedTwilioRequest } from '../twilio/fixtures/signed-twilio-request';
import {
  TWILIO_VOICE_TEST_AUTH_TOKEN,
  TWILIO_VOICE_URL,
} from './fixtures/twilio-voice.conformance';
import {
  twilioRecordAction,
  twilioTranscription,
  TWILIO_VOICE_RECORDING_SID,
} from './fixtures/twilio-voice-payloads';
import { TwilioVoiceVendor } from './twilio-voice.vendor';

const vendor = new TwilioVoiceVendor();
const settings = { authToken: TWILIO_VOICE_TEST_AUTH_TOKEN };

describe('TwilioVoiceVendor', () => {
  it.each([
    ['transcription', twilioTranscription(TWILIO_VOICE_RECORDING_SID)],
    ['record action', twilioRecordAction(TWILIO_VOICE_RECORDING_SID)],
  ])('verifies a signed %s callback that the twilio SDK also accepts', (_name, params) => {
    const signed = signedTwilioRequest({
      authToken: TWILIO_VOICE_TEST_AUTH_TOKEN,
      url: TWILIO_VOICE_URL,
      params,
    });
    expect(
      twilio.validateRequest(
        TWILIO_VOICE_TEST_AUTH_TOKEN,
        signed.signature,
        TWILIO_VOICE_URL,
        params,
      ),
    ).toBe(true);
    expect(() => vendor.verify(signed.request, settings)).not.toThrow();
    expect(vendor.parse(signed.request)).toEqual([
      expect.objectContaining({ kind: 'voicemail', messageId: TWILIO_VOICE_RECORDING_SID }),
    ]);
  });

  it('rejects another token, a changed body and the Messaging URL', () => {
    const params = twilioTranscription(TWILIO_VOICE_RECORDING_SID);
    const signed = signedTwilioRequest({
      authToken: TWILIO_VOICE_TEST_AUTH_TOKEN,
      url: TWILIO_VOICE_URL,
      params,
    });
    expect(() => vendor.verify(signed.request, { authToken: 'other-token' })).toThrow(
      SignatureRejectedError,
    );
    const changed = {
      ...signed.request,
      rawBody: Buffer.from(signed.body.toString().replace('1042', '1043')),
    };
    expect(() => vendor.verify(changed, settings)).toThrow('signature mismatch');
    const elsewhere = signedTwilioRequest({
      authToken: TWILIO_VOICE_TEST_AUTH_TOKEN,
      url: 'https://gateway.example.com/vendors/twilio/webhook',
      params,
    });
    expect(() =>
      vendor.verify({ ...elsewhere.request, publicUrl: TWILIO_VOICE_URL }, settings),
    ).toThrow('signature mismatch');
  });

  it('acknowledges with TwiML that ends the call', () => {
    expect(vendor.acknowledge()).toEqual({
      status: 200,
      contentType: 'text/xml',
      body: '<?xml version="1.0" encoding="UTF-8"?><Response/>',
    });
    expect(vendor.contentTypes).toEqual(['application/x-www-form-urlencoded']);
  });
});
