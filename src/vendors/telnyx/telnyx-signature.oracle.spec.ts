import { TelnyxWebhook } from 'telnyx/lib/webhooks';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import {
  signedTelnyxRequest,
  telnyxTestKeys,
  telnyxWebhookRequest,
} from './fixtures/signed-telnyx-request';
import { telnyxMessageReceived } from './fixtures/telnyx-payloads';
import { telnyxPublicKey, verifyTelnyxSignature } from './telnyx-signature';
import { seededRandom } from '../kit/fixtures/seeded-random';

/**
 * The `telnyx` package's TelnyxWebhook verifier as an independent oracle: on seeded random
 * payloads, keys, times and tamperings both give the same verdict.
 */
const random = seededRandom(0x7e1).next;
const int = (max: number) => Math.floor(random() * max);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];
const text = () => Array.from({ length: int(40) }, () => pick([...'ab Z09|"\\é日😀\n'])).join('');

const keys = Array.from({ length: 8 }, () => telnyxTestKeys());
const CASES = 200;

function ours(request: ReturnType<typeof telnyxWebhookRequest>, publicKey: string): boolean {
  try {
    verifyTelnyxSignature(request, telnyxPublicKey(publicKey));
    return true;
  } catch (error) {
    if (error instanceof SignatureRejectedError) return false;
    throw error;
  }
}

async function theirs(request: ReturnType<typeof telnyxWebhookRequest>, publicKey: string) {
  try {
    await new TelnyxWebhook(publicKey).verify(
      request.rawBody.toString('utf8'),
      request.headers as Record<string, string>,
    );
    return true;
  } catch {
    return false;
  }
}

describe('telnyx package as oracle', () => {
  it('gives the same verdict on valid, tampered, stale and wrongly keyed webhooks', async () => {
    let accepted = 0;
    for (let i = 0; i < CASES; i++) {
      const signer = pick(keys);
      const verifier = random() < 0.85 ? signer : pick(keys);
      const at = new Date(Date.now() + pick([0, 0, 0, -200_000, -400_000, 400_000]));
      const signed = signedTelnyxRequest(telnyxMessageReceived(`id-${i}`, text()), {
        privateKey: signer.privateKey,
        at,
      });
      let body = signed.body;
      if (random() < 0.2) body = body.replace(`id-${i}`, `id-${i}x`);
      const request = telnyxWebhookRequest({ ...signed, body });
      const verdict = await theirs(request, verifier.publicKeyBase64);
      expect({ i, verdict: ours(request, verifier.publicKeyBase64) }).toEqual({ i, verdict });
      if (verdict) accepted++;
    }
    // Both outcomes must occur for the comparison to mean anything.
    expect(accepted).toBeGreaterThan(CASES / 4);
    expect(accepted).toBeLessThan(CASES);
  });
});
