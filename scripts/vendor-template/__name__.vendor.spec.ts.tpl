import { SignatureRejectedError, UnprocessablePayloadError } from '../../common/problem/gateway-error';
import type { WebhookRequest } from '../webhook-vendor';
import { __camel__Payload, signed__Name__Request, __NAME___TEST_SECRET } from './fixtures/signed-__name__-request';
import { __Name__Vendor } from './__name__.vendor';
import { __Name__Settings } from './__name__.settings';

const vendor = new __Name__Vendor();
// Built like start-up builds them, defaults included.
const settingsOf = (signingSecret: string) => Object.assign(new __Name__Settings(), { signingSecret });
const settings = settingsOf(__NAME___TEST_SECRET);

function request(signed: { headers: Record<string, string>; body: string }, receivedAt = new Date()): WebhookRequest {
  return {
    vendor: '__name__',
    method: 'POST',
    publicUrl: 'https://gateway.example.com/vendors/__name__/webhook',
    query: '',
    rawBody: Buffer.from(signed.body),
    contentType: 'application/json',
    headers: signed.headers,
    receivedAt,
  };
}

describe('__Name__Vendor', () => {
  // TODO(vendor): the vendor's published test vectors, and its SDK as an oracle if it has one.
  it('verifies a signed request and maps it to one message', () => {
    const signed = request(signed__Name__Request(__camel__Payload('evt-1')));
    expect(() => vendor.verify(signed, settings)).not.toThrow();
    expect(vendor.parse(signed)).toEqual([
      expect.objectContaining({ vendor: '__name__', messageId: 'evt-1', from: '+14158675309', kind: 'sms' }),
    ]);
  });

  it('rejects a tampered body, a wrong secret and a stale timestamp', () => {
    const signed = signed__Name__Request(__camel__Payload('evt-2'));
    expect(() => vendor.verify(request({ ...signed, body: signed.body.replace('evt-2', 'evt-3') }), settings)).toThrow(
      SignatureRejectedError,
    );
    expect(() => vendor.verify(request(signed), settingsOf('other'))).toThrow('signature mismatch');
    const hourLater = new Date(Date.now() + 60 * 60 * 1000);
    expect(() => vendor.verify(request(signed, hourLater), settings)).toThrow(/timestamp/);
  });

  it('refuses a sender that is not a phone number with 422 naming the field', () => {
    const signed = request(signed__Name__Request({ ...__camel__Payload('evt-4'), from: 'ACME' }));
    expect(() => vendor.parse(signed)).toThrow(UnprocessablePayloadError);
    expect(() => vendor.parse(signed)).toThrow('from is not a valid phone number');
  });
});
