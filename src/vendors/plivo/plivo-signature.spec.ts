import { SignatureRejectedError } from '../../common/problem/gateway-error';
import { plivoInboundSms, PLIVO_UUID } from './fixtures/plivo-payloads';
import {
  PLIVO_TEST_AUTH_TOKEN,
  plivoWebhookRequest,
  signedPlivoRequest,
} from './fixtures/signed-plivo-request';
import {
  computePlivoV2Signature,
  plivoV3SignedUrl,
  verifyPlivoSignature,
  type PlivoSignatureCheck,
} from './plivo-signature';
import { thrownBy } from '../kit/fixtures/thrown-by';

const v3: PlivoSignatureCheck = { authToken: PLIVO_TEST_AUTH_TOKEN, version: 'v3' };
const v2: PlivoSignatureCheck = { authToken: PLIVO_TEST_AUTH_TOKEN, version: 'v2' };
const params = plivoInboundSms(PLIVO_UUID);

function rejection(request: ReturnType<typeof plivoWebhookRequest>, check = v3): string {
  return thrownBy(() => verifyPlivoSignature(request, check), SignatureRejectedError).message;
}

describe('Plivo V2 signature', () => {
  it('computes the published vector', () => {
    expect(computePlivoV2Signature('my_auth_token', 'https://answer.url', '12345')).toBe(
      'ehV3IKhLysWBxC1sy8INm0qGoQYdYsHwuoKjsX7FsXc=',
    );
  });

  it('signs the URL without its query, and not the body', () => {
    expect(computePlivoV2Signature('t', 'https://h.example/p?a=1#f', 'n')).toBe(
      computePlivoV2Signature('t', 'https://h.example/p', 'n'),
    );
    const signed = signedPlivoRequest(params, { version: 'v2', nonce: '12345' });
    expect(verifyPlivoSignature(plivoWebhookRequest(signed), v2)).toEqual({
      replayKey: 'v2:12345',
      replayTtlMs: 86_400_000,
    });
    const otherBody = plivoWebhookRequest({ ...signed, body: 'Text=changed' });
    expect(() => verifyPlivoSignature(otherBody, v2)).not.toThrow();
    expect(rejection(plivoWebhookRequest(signed), v3)).toBe('x-plivo-signature-v3 header missing');
  });
});

describe('Plivo V3 signature', () => {
  it('builds the signed string as the SDKs do', () => {
    expect(
      plivoV3SignedUrl('https://h.example/p', [
        ['b', '2'],
        ['a', '1'],
      ]),
    ).toBe('https://h.example/p?a1b2');
    expect(plivoV3SignedUrl('https://h.example/p?y=2&x=a%20b', [['a', '1']])).toBe(
      'https://h.example/p?x=a b&y=2.a1',
    );
    expect(plivoV3SignedUrl('https://h.example/p?y=2&x=1', [])).toBe('https://h.example/p?x=1&y=2');
    expect(plivoV3SignedUrl('https://h.example/p', [])).toBe('https://h.example/p');
    expect(
      plivoV3SignedUrl('https://h.example/p', [
        ['a', '2'],
        ['a', '1'],
      ]),
    ).toBe('https://h.example/p?a1a2');
  });

  it('accepts a signed webhook and returns its nonce as the replay key', () => {
    const signed = signedPlivoRequest(params, { nonce: '05429567804466091622' });
    expect(verifyPlivoSignature(plivoWebhookRequest(signed), v3)).toEqual({
      replayKey: 'v3:05429567804466091622',
      replayTtlMs: 86_400_000,
    });
  });

  it('accepts any of several comma-separated signatures', () => {
    const signed = signedPlivoRequest(params, { otherSignatures: ['bm90IHRoaXMgb25l'] });
    expect(signed.headers['x-plivo-signature-v3']).toContain(',');
    expect(() => verifyPlivoSignature(plivoWebhookRequest(signed), v3)).not.toThrow();
    const onlyOthers = { ...signed.headers, 'x-plivo-signature-v3': 'bm90,b3RoZXI=' };
    expect(rejection(plivoWebhookRequest({ ...signed, headers: onlyOthers }))).toBe(
      'signature mismatch',
    );
  });

  it('rejects changed bodies, URLs, nonces and tokens', () => {
    const signed = signedPlivoRequest(params, { path: '/vendors/plivo/webhook?tenant=acme' });
    const ok = plivoWebhookRequest(signed);
    expect(() => verifyPlivoSignature(ok, v3)).not.toThrow();
    for (const request of [
      { ...ok, rawBody: Buffer.from(signed.body.replace('never', 'always')) },
      { ...ok, rawBody: Buffer.from(`${signed.body}&Extra=1`) },
      { ...ok, publicUrl: ok.publicUrl.replace('acme', 'other') },
      { ...ok, publicUrl: ok.publicUrl.replace('?tenant=acme', '') },
      { ...ok, publicUrl: ok.publicUrl.replace('https:', 'http:') },
      { ...ok, headers: { ...ok.headers, 'x-plivo-signature-v3-nonce': '1' } },
    ]) {
      expect(rejection(request)).toBe('signature mismatch');
    }
    expect(rejection(ok, { ...v3, authToken: 'other' })).toBe('signature mismatch');
  });

  it('rejects missing, repeated or oversized headers', () => {
    const ok = plivoWebhookRequest(signedPlivoRequest(params));
    const { 'x-plivo-signature-v3-nonce': nonce, ...withoutNonce } = ok.headers;
    expect(rejection({ ...ok, headers: withoutNonce })).toBe(
      'x-plivo-signature-v3-nonce header missing',
    );
    expect(
      rejection({
        ...ok,
        headers: { ...ok.headers, 'x-plivo-signature-v3-nonce': [String(nonce), '1'] },
      }),
    ).toBe('x-plivo-signature-v3-nonce header repeated');
    expect(
      rejection({
        ...ok,
        headers: { ...ok.headers, 'x-plivo-signature-v3-nonce': '9'.repeat(129) },
      }),
    ).toBe('nonce is not a short token');
  });
});
