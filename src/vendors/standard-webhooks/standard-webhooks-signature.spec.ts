import { SignatureRejectedError } from '../../common/problem/gateway-error';
import type { WebhookRequest } from '../webhook-vendor';
import {
  ed25519TestKeys,
  signedStandardWebhooksRequest,
  STANDARD_WEBHOOKS_OTHER_SECRET,
  STANDARD_WEBHOOKS_TEST_SECRET,
} from './fixtures/signed-standard-webhooks-request';
import { decodePublicKey, decodeSecret } from './standard-webhooks-keys';
import {
  computeV1Signature,
  verifyStandardWebhooksSignature,
  type StandardWebhooksKeys,
} from './standard-webhooks-signature';

type Signed = { headers: Record<string, string | string[]>; body: string };

function request(signed: Signed, receivedAt = new Date()): WebhookRequest {
  return {
    vendor: 'standard-webhooks',
    method: 'POST',
    publicUrl: 'https://gateway.example.com/vendors/standard-webhooks/webhook',
    query: '',
    rawBody: Buffer.from(signed.body),
    contentType: 'application/json',
    headers: signed.headers,
    receivedAt,
  };
}

const hmacOnly: StandardWebhooksKeys = { hmacKey: decodeSecret(STANDARD_WEBHOOKS_TEST_SECRET) };

function rejection(signed: Signed, keys: StandardWebhooksKeys, receivedAt?: Date): string {
  try {
    verifyStandardWebhooksSignature(request(signed, receivedAt), keys);
  } catch (error) {
    expect(error).toBeInstanceOf(SignatureRejectedError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('Standard Webhooks published vector (VENDORS.md, spec README)', () => {
  const vector = {
    id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: '1614265330',
    body: '{"test": 2432232314}',
    signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };
  const signed: Signed = {
    headers: {
      'webhook-id': vector.id,
      'webhook-timestamp': vector.timestamp,
      'webhook-signature': vector.signature,
    },
    body: vector.body,
  };
  const at = new Date(Number(vector.timestamp) * 1000);

  it('computes the published signature', () => {
    const key = decodeSecret(STANDARD_WEBHOOKS_TEST_SECRET)!;
    expect(
      `v1,${computeV1Signature(key, vector.id, vector.timestamp, Buffer.from(vector.body))}`,
    ).toBe(vector.signature);
  });

  it('accepts the published request at its time, alone or among other signatures', () => {
    expect(() => verifyStandardWebhooksSignature(request(signed, at), hmacOnly)).not.toThrow();
    const rotated = {
      ...signed,
      headers: {
        ...signed.headers,
        'webhook-signature': `v1,Zm9vYmFy v2,whatever ${vector.signature} v1a,AAAA`,
      },
    };
    expect(() => verifyStandardWebhooksSignature(request(rotated, at), hmacOnly)).not.toThrow();
  });

  it('refuses it once the 300 s tolerance has passed, either way', () => {
    expect(rejection(signed, hmacOnly, new Date(at.getTime() + 301_000))).toMatch(
      /webhook-timestamp is 301 s away/,
    );
    expect(rejection(signed, hmacOnly, new Date(at.getTime() - 301_000))).toMatch(/301 s away/);
    expect(() =>
      verifyStandardWebhooksSignature(request(signed, new Date(at.getTime() + 299_000)), hmacOnly),
    ).not.toThrow();
  });
});

describe('verifyStandardWebhooksSignature: v1 tampering', () => {
  const signed = signedStandardWebhooksRequest('msg_1', { from: '+14158675309', text: 'hi' });

  it('accepts the untouched request', () => {
    expect(() => verifyStandardWebhooksSignature(request(signed), hmacOnly)).not.toThrow();
  });

  it.each([
    ['body', { ...signed, body: signed.body.replace('hi', 'ho') }],
    ['id', { ...signed, headers: { ...signed.headers, 'webhook-id': 'msg_2' } }],
    [
      'timestamp',
      {
        ...signed,
        headers: {
          ...signed.headers,
          'webhook-timestamp': String(Number(signed.headers['webhook-timestamp']) - 1),
        },
      },
    ],
  ])('rejects a changed %s', (_part, tampered) => {
    expect(rejection(tampered, hmacOnly)).toBe('signature mismatch');
  });

  it('rejects a request signed with another secret', () => {
    const other = signedStandardWebhooksRequest(
      'msg_1',
      { text: 'hi' },
      {
        secret: STANDARD_WEBHOOKS_OTHER_SECRET,
      },
    );
    expect(rejection(other, hmacOnly)).toBe('signature mismatch');
  });

  it.each([
    ['webhook-id', /webhook-id header missing/],
    ['webhook-timestamp', /webhook-timestamp header missing/],
    ['webhook-signature', /webhook-signature header missing/],
  ])('rejects a request without %s', (header, message) => {
    const headers = { ...signed.headers };
    delete headers[header];
    expect(rejection({ ...signed, headers }, hmacOnly)).toMatch(message);
  });

  it.each([
    ['a repeated signature header', { 'webhook-signature': ['v1,a', 'v1,b'] }, /repeated/],
    ['a timestamp that is no number', { 'webhook-timestamp': '1614265330.5' }, /not a time/],
    ['a signature without version', { 'webhook-signature': 'g0hM9SsE' }, /carries no v1/],
    ['only v1a when no public key is configured', { 'webhook-signature': 'v1a,AAAA' }, /no v1 /],
    ['an empty v1 signature', { 'webhook-signature': 'v1,' }, /mismatch/],
  ])('rejects %s', (_label, headers, message) => {
    expect(rejection({ ...signed, headers: { ...signed.headers, ...headers } }, hmacOnly)).toMatch(
      message,
    );
  });
});

describe('verifyStandardWebhooksSignature: v1a (Ed25519)', () => {
  const sender = ed25519TestKeys();
  const stranger = ed25519TestKeys();
  const keys: StandardWebhooksKeys = { publicKey: decodePublicKey(sender.publicKey) };
  const signed = signedStandardWebhooksRequest(
    'msg_a',
    { text: 'hello' },
    {
      privateKey: sender.privateKey,
    },
  );

  it('accepts a request signed with the configured key pair', () => {
    expect(signed.headers['webhook-signature']).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(() => verifyStandardWebhooksSignature(request(signed), keys)).not.toThrow();
  });

  it('rejects another key pair, a changed body or id, and a truncated signature', () => {
    const other = signedStandardWebhooksRequest(
      'msg_a',
      { text: 'hello' },
      {
        privateKey: stranger.privateKey,
      },
    );
    expect(rejection(other, keys)).toBe('signature mismatch');
    expect(rejection({ ...signed, body: signed.body.replace('hello', 'hellO') }, keys)).toBe(
      'signature mismatch',
    );
    expect(
      rejection({ ...signed, headers: { ...signed.headers, 'webhook-id': 'msg_b' } }, keys),
    ).toBe('signature mismatch');
    const truncated = signed.headers['webhook-signature'].slice(0, -4);
    expect(
      rejection(
        { ...signed, headers: { ...signed.headers, 'webhook-signature': truncated } },
        keys,
      ),
    ).toBe('signature mismatch');
  });

  it('refuses a v1 signature when only a public key is configured (no secret to check it)', () => {
    const hmacSigned = signedStandardWebhooksRequest('msg_a', { text: 'hello' });
    expect(rejection(hmacSigned, keys)).toMatch(/carries no v1a signature/);
  });

  it('with both configured, accepts either kind and a header carrying both', () => {
    const both: StandardWebhooksKeys = { ...hmacOnly, ...keys };
    const hmacSigned = signedStandardWebhooksRequest('msg_a', { text: 'hello' });
    const twoSignatures = signedStandardWebhooksRequest(
      'msg_a',
      { text: 'hello' },
      {
        secret: STANDARD_WEBHOOKS_OTHER_SECRET,
        privateKey: sender.privateKey,
      },
    );
    for (const candidate of [signed, hmacSigned, twoSignatures]) {
      expect(() => verifyStandardWebhooksSignature(request(candidate), both)).not.toThrow();
    }
    const neither = signedStandardWebhooksRequest(
      'msg_a',
      { text: 'hello' },
      {
        secret: STANDARD_WEBHOOKS_OTHER_SECRET,
        privateKey: stranger.privateKey,
      },
    );
    expect(rejection(neither, both)).toBe('signature mismatch');
  });
});

describe('key decoding', () => {
  it('reads whsec_ secrets with or without the prefix, strictly as base64', () => {
    const key = decodeSecret(STANDARD_WEBHOOKS_TEST_SECRET);
    expect(key).toHaveLength(24);
    expect(decodeSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toEqual(key);
    expect(decodeSecret('whsec_')).toBeUndefined();
    expect(decodeSecret('whsec_not base64!')).toBeUndefined();
    expect(decodeSecret('whsec_abc')).toBeUndefined();
  });

  it('reads whpk_ keys of exactly 32 bytes', () => {
    expect(decodePublicKey(ed25519TestKeys().publicKey)?.asymmetricKeyType).toBe('ed25519');
    expect(decodePublicKey(`whpk_${Buffer.alloc(31).toString('base64')}`)).toBeUndefined();
    expect(decodePublicKey(Buffer.alloc(32).toString('base64'))).toBeUndefined();
    expect(decodePublicKey('whpk_%%%%')).toBeUndefined();
  });
});
