import { SignatureRejectedError } from '../../common/problem/gateway-error';
import {
  signedSinchRequest,
  SINCH_TEST_SECRET,
  sinchWebhookRequest,
} from './fixtures/signed-sinch-request';
import {
  sinchMoText,
  SINCH_ID,
  SINCH_VECTOR,
  SINCH_VECTOR_DELIVERY_REPORT,
} from './fixtures/sinch-payloads';
import { parseSinchPayload } from './sinch-payload';
import { computeSinchSignature, verifySinchSignature } from './sinch-signature';
import { thrownBy } from '../kit/fixtures/thrown-by';

const check = { secret: SINCH_TEST_SECRET, toleranceMs: 300_000 };

function rejection(request: ReturnType<typeof sinchWebhookRequest>, using = check): string {
  return thrownBy(() => verifySinchSignature(request, using), SignatureRejectedError).message;
}

describe('Sinch signature: published vectors', () => {
  it.each([
    ['contact_create_notification (VENDORS.md, Sinch .NET/Java SDK tests)', SINCH_VECTOR],
    ['message_delivery_report (Sinch Python SDK tests)', SINCH_VECTOR_DELIVERY_REPORT],
  ])('%s', (_name, vector) => {
    expect(
      computeSinchSignature(
        vector.secret,
        Buffer.from(vector.body),
        vector.nonce,
        vector.timestamp,
      ),
    ).toBe(vector.signature);
    const request = sinchWebhookRequest(
      {
        path: '/vendors/sinch/webhook',
        headers: {
          'x-sinch-webhook-signature': vector.signature,
          'x-sinch-webhook-signature-nonce': vector.nonce,
          'x-sinch-webhook-signature-timestamp': vector.timestamp,
        },
        body: vector.body,
      },
      new Date(Number(vector.timestamp) * 1000 + 1_000),
    );
    expect(verifySinchSignature(request, { ...check, secret: vector.secret })).toEqual({
      replayKey: vector.nonce,
      replayTtlMs: 600_000,
    });
    // Both are Conversation control events: acknowledged, nothing stored.
    expect(parseSinchPayload(request)).toEqual([]);
  });
});

describe('Sinch signature', () => {
  const signed = signedSinchRequest(sinchMoText(SINCH_ID));
  const ok = sinchWebhookRequest(signed);

  it('returns the nonce as the replay key, remembered for both sides of the window', () => {
    expect(verifySinchSignature(ok, check)).toEqual({
      replayKey: signed.headers['x-sinch-webhook-signature-nonce'],
      replayTtlMs: 600_000,
    });
  });

  it('rejects a changed body, nonce or timestamp, and another secret', () => {
    const h = signed.headers;
    expect(rejection({ ...ok, rawBody: Buffer.from(signed.body.replace('never', 'always')) })).toBe(
      'signature mismatch',
    );
    expect(
      rejection({ ...ok, headers: { ...h, 'x-sinch-webhook-signature-nonce': 'OTHERNONCE' } }),
    ).toBe('signature mismatch');
    const ts = String(Number(h['x-sinch-webhook-signature-timestamp']) - 1);
    expect(rejection({ ...ok, headers: { ...h, 'x-sinch-webhook-signature-timestamp': ts } })).toBe(
      'signature mismatch',
    );
    expect(rejection(ok, { ...check, secret: 'other' })).toBe('signature mismatch');
  });

  it('rejects a stale or future timestamp, and accepts one inside the window', () => {
    const now = new Date();
    for (const offset of [-301_000, 301_000]) {
      const stale = signedSinchRequest(sinchMoText(SINCH_ID), {
        at: new Date(now.getTime() + offset),
      });
      expect(rejection(sinchWebhookRequest(stale, now))).toMatch(/^timestamp is \d+ s away/);
    }
    const recent = signedSinchRequest(sinchMoText(SINCH_ID), {
      at: new Date(now.getTime() - 250_000),
    });
    expect(() => verifySinchSignature(sinchWebhookRequest(recent, now), check)).not.toThrow();
  });

  it('rejects another algorithm, missing headers and an oversized nonce', () => {
    const h = signed.headers;
    expect(
      rejection({ ...ok, headers: { ...h, 'x-sinch-webhook-signature-algorithm': 'HmacSHA1' } }),
    ).toBe('x-sinch-webhook-signature-algorithm must be HmacSHA256');
    for (const name of [
      'x-sinch-webhook-signature',
      'x-sinch-webhook-signature-nonce',
      'x-sinch-webhook-signature-timestamp',
    ]) {
      expect(rejection({ ...ok, headers: { ...h, [name]: undefined } })).toBe(
        `${name} header missing`,
      );
    }
    const long = signedSinchRequest(sinchMoText(SINCH_ID), { nonce: 'N'.repeat(129) });
    expect(rejection(sinchWebhookRequest(long))).toBe('nonce is not a short token');
  });
});
