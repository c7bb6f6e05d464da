import { Webhook } from 'standardwebhooks';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import { seededRandom } from '../kit/fixtures/seeded-random';
import { decodeSecret } from './standard-webhooks-keys';
import { computeV1Signature, verifyStandardWebhooksSignature } from './standard-webhooks-signature';

/**
 * The official `standardwebhooks` package as an independent oracle for `v1`: on generated
 * secrets, ids, timestamps and bodies its signer and verifier must agree with ours. (It has no
 * `v1a`; Ed25519 is checked against node:crypto signatures in the signature spec.)
 */
const random = seededRandom(0x5ad0);
const CASES = 300;

function randomBody(): string {
  const shape = random.int(3);
  if (shape === 0) return '';
  if (shape === 1) return random.text(40);
  return JSON.stringify({
    type: 'message.received',
    data: { text: random.text(30), n: random.int(1e9) },
  });
}

const cases = Array.from({ length: CASES }, (_, i) => {
  const secret = `whsec_${random.bytes(24 + random.int(41)).toString('base64')}`;
  const id = `msg_${random.bytes(12).toString('base64url')}_${i}`;
  // Within the SDK's own 300 s window around now, since its verify reads the clock.
  const timestamp = Math.floor(Date.now() / 1000) - random.int(250);
  return { secret, id, timestamp, body: randomBody() };
});

function ours(secret: string, id: string, timestamp: number, body: string, signature: string) {
  try {
    verifyStandardWebhooksSignature(
      {
        headers: {
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signature,
        },
        rawBody: Buffer.from(body),
        receivedAt: new Date(),
      },
      { hmacKey: decodeSecret(secret) },
    );
    return true;
  } catch (error) {
    if (error instanceof SignatureRejectedError) return false;
    throw error;
  }
}

function theirs(secret: string, id: string, timestamp: number, body: string, signature: string) {
  try {
    new Webhook(secret).verify(
      body,
      {
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signature,
      },
      { jsonParse: false },
    );
    return true;
  } catch {
    return false;
  }
}

describe('standardwebhooks package as oracle (v1)', () => {
  it('signs exactly what Webhook.sign signs', () => {
    for (const { secret, id, timestamp, body } of cases) {
      const signature = computeV1Signature(
        decodeSecret(secret)!,
        id,
        String(timestamp),
        Buffer.from(body),
      );
      expect(`v1,${signature}`).toBe(
        new Webhook(secret).sign(id, new Date(timestamp * 1000), body),
      );
    }
  });

  it('accepts what the SDK signs, and the SDK accepts what we sign', () => {
    for (const { secret, id, timestamp, body } of cases) {
      const sdkSigned = new Webhook(secret).sign(id, new Date(timestamp * 1000), body);
      expect(ours(secret, id, timestamp, body, sdkSigned)).toBe(true);
      const ourSigned = `v1,${computeV1Signature(decodeSecret(secret)!, id, String(timestamp), Buffer.from(body))}`;
      expect(theirs(secret, id, timestamp, body, ourSigned)).toBe(true);
    }
  });

  it('agrees on every tampered variant: body, id, timestamp, secret, signature', () => {
    for (const { secret, id, timestamp, body } of cases) {
      const signature = new Webhook(secret).sign(id, new Date(timestamp * 1000), body);
      const otherSecret = `whsec_${random.bytes(24).toString('base64')}`;
      const flipped =
        signature.slice(0, -3) + (signature.at(-3) === 'A' ? 'B' : 'A') + signature.slice(-2);
      const variants: [string, string, number, string, string][] = [
        [secret, id, timestamp, `${body} `, signature],
        [secret, `${id}x`, timestamp, body, signature],
        [secret, id, timestamp + 1, body, signature],
        [otherSecret, id, timestamp, body, signature],
        [secret, id, timestamp, body, flipped],
        [secret, id, timestamp, body, signature.replace('v1,', 'v2,')],
      ];
      for (const variant of variants) {
        expect(theirs(...variant)).toBe(false);
        expect(ours(...variant)).toBe(false);
      }
    }
  });

  it('agrees that a stale timestamp fails', () => {
    const { secret, id, body } = cases[0];
    const stale = Math.floor(Date.now() / 1000) - 400;
    const signature = new Webhook(secret).sign(id, new Date(stale * 1000), body);
    expect(theirs(secret, id, stale, body, signature)).toBe(false);
    expect(ours(secret, id, stale, body, signature)).toBe(false);
  });
});
