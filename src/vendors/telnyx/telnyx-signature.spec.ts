import { verify } from 'node:crypto';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import {
  signedTelnyxRequest,
  TELNYX_OTHER_KEYS,
  TELNYX_TEST_KEYS,
  telnyxWebhookRequest,
} from './fixtures/signed-telnyx-request';
import { telnyxMessageReceived, TELNYX_MESSAGE_ID } from './fixtures/telnyx-payloads';
import { telnyxPublicKey, verifyTelnyxSignature } from './telnyx-signature';
import { thrownBy } from '../kit/fixtures/thrown-by';

const key = telnyxPublicKey(TELNYX_TEST_KEYS.publicKeyBase64);
const payload = telnyxMessageReceived(TELNYX_MESSAGE_ID);

function rejection(request: ReturnType<typeof telnyxWebhookRequest>): string {
  return thrownBy(() => verifyTelnyxSignature(request, key), SignatureRejectedError).message;
}

describe('Telnyx signature', () => {
  it('imports a raw 32-byte key: RFC 8032 test vector 1 verifies', () => {
    const publicKey = telnyxPublicKey(
      Buffer.from(
        'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
        'hex',
      ).toString('base64'),
    );
    const signature = Buffer.from(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
      'hex',
    );
    expect(verify(null, Buffer.alloc(0), publicKey, signature)).toBe(true);
    expect(() => telnyxPublicKey(Buffer.alloc(31).toString('base64'))).toThrow('32 bytes');
  });

  it('accepts a signed webhook and returns nothing to enforce', () => {
    const request = telnyxWebhookRequest(signedTelnyxRequest(payload));
    expect(verifyTelnyxSignature(request, key)).toBeUndefined();
  });

  it('rejects a changed body, timestamp or signature, and another key', () => {
    const signed = signedTelnyxRequest(payload);
    const ok = telnyxWebhookRequest(signed);
    expect(rejection({ ...ok, rawBody: Buffer.from(signed.body.replace('never', 'always')) })).toBe(
      'signature mismatch',
    );
    expect(rejection({ ...ok, rawBody: Buffer.from(`${signed.body} `) })).toBe(
      'signature mismatch',
    );
    const ts = Number(signed.headers['telnyx-timestamp']);
    expect(
      rejection({ ...ok, headers: { ...ok.headers, 'telnyx-timestamp': String(ts + 1) } }),
    ).toBe('signature mismatch');
    const sig = signed.headers['telnyx-signature-ed25519'];
    // Chosen by the character it replaces, so the signature always changes (choosing by another
    // character left it unchanged about once in 64 runs).
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expect(
      rejection({ ...ok, headers: { ...ok.headers, 'telnyx-signature-ed25519': flipped } }),
    ).toBe('signature mismatch');
    const other = signedTelnyxRequest(payload, { privateKey: TELNYX_OTHER_KEYS.privateKey });
    expect(rejection(telnyxWebhookRequest(other))).toBe('signature mismatch');
  });

  it('rejects a stale or future timestamp, and accepts one inside 300 s', () => {
    const now = new Date();
    for (const offset of [-301_000, 301_000]) {
      const signed = signedTelnyxRequest(payload, { at: new Date(now.getTime() + offset) });
      expect(rejection(telnyxWebhookRequest(signed, now))).toMatch(/^timestamp is \d+ s away/);
    }
    const recent = signedTelnyxRequest(payload, { at: new Date(now.getTime() - 290_000) });
    expect(() => verifyTelnyxSignature(telnyxWebhookRequest(recent, now), key)).not.toThrow();
  });

  it('rejects missing headers and a signature that is not 64 base64 bytes', () => {
    const ok = telnyxWebhookRequest(signedTelnyxRequest(payload));
    expect(rejection({ ...ok, headers: { 'telnyx-timestamp': '1' } })).toBe(
      'telnyx-signature-ed25519 header missing',
    );
    expect(rejection({ ...ok, headers: { ...ok.headers, 'telnyx-timestamp': undefined } })).toBe(
      'telnyx-timestamp header missing',
    );
    expect(
      rejection({ ...ok, headers: { ...ok.headers, 'telnyx-signature-ed25519': 'c2ln' } }),
    ).toBe('telnyx-signature-ed25519 is not a base64 Ed25519 signature');
  });
});
