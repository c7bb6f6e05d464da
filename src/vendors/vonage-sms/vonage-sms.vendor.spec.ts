import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import { vonageInboundSms } from './fixtures/vonage-sms-payloads';
import {
  signedVonageSmsRequest,
  VONAGE_SMS_TEST_SECRET,
  vonageSmsWebhookRequest,
} from './fixtures/signed-vonage-sms-request';
import { VonageSmsVendor } from './vonage-sms.vendor';
import { VonageSmsSettings } from './vonage-sms.settings';

const vendor = new VonageSmsVendor();

function settings(raw: Record<string, unknown>): VonageSmsSettings {
  return plainToInstance(VonageSmsSettings, raw, { exposeDefaultValues: true });
}

describe('VonageSmsVendor', () => {
  it('accepts what Vonage sends: form and JSON bodies', () => {
    expect(vendor.contentTypes).toEqual(['application/x-www-form-urlencoded', 'application/json']);
    expect(vendor.secretSettings).toEqual(['signatureSecret', 'apiSecret']);
  });

  it('verifies with the configured method and parses the message', () => {
    const config = settings({
      signatureSecret: VONAGE_SMS_TEST_SECRET,
      signatureMethod: 'sha1hmac',
    });
    const signed = signedVonageSmsRequest(vonageInboundSms('0A0000000123ABCD1'), {
      method: 'sha1hmac',
    });
    const request = vonageSmsWebhookRequest(signed);
    expect(vendor.verify(request, config)).toBeUndefined();
    expect(vendor.parse(request)).toEqual([
      expect.objectContaining({ messageId: '0A0000000123ABCD1', from: '+14843472194' }),
    ]);
    expect(() =>
      vendor.verify(request, settings({ signatureSecret: VONAGE_SMS_TEST_SECRET })),
    ).toThrow(SignatureRejectedError);
  });

  it('honours a configured timestamp tolerance given as text (environment)', () => {
    const config = settings({
      signatureSecret: VONAGE_SMS_TEST_SECRET,
      timestampToleranceSeconds: '3600',
    });
    expect(validateSync(config)).toEqual([]);
    const at = new Date(Date.now() - 30 * 60 * 1000);
    const request = vonageSmsWebhookRequest(
      signedVonageSmsRequest(vonageInboundSms('0A01'), { at }),
    );
    expect(() => vendor.verify(request, config)).not.toThrow();
    expect(() =>
      vendor.verify(request, settings({ signatureSecret: VONAGE_SMS_TEST_SECRET })),
    ).toThrow(/timestamp/);
  });

  it('defaults to md5hash and 300 s, and refuses unknown methods and windows', () => {
    const defaults = settings({ signatureSecret: 's' });
    expect(defaults).toMatchObject({ signatureMethod: 'md5hash', timestampToleranceSeconds: 300 });
    const bad = settings({
      signatureSecret: '',
      signatureMethod: 'sha256',
      timestampToleranceSeconds: '0',
    });
    expect(
      validateSync(bad)
        .map((error) => error.property)
        .sort(),
    ).toEqual(['signatureMethod', 'signatureSecret', 'timestampToleranceSeconds']);
  });

  it('acknowledges with 200', () => {
    expect(vendor.acknowledge()).toEqual({ status: 200, contentType: 'text/plain', body: 'OK' });
  });
});
