import { validateSignature } from 'plivo/dist/utils/security';
import { validateV3Signature } from 'plivo/dist/utils/v3Security';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import {
  computePlivoV2Signature,
  computePlivoV3Signature,
  verifyPlivoSignature,
  type PlivoParams,
} from './plivo-signature';
import { seededRandom } from '../kit/fixtures/seeded-random';

/**
 * The `plivo` package's validators as independent oracles on seeded random URLs, parameters,
 * nonces and tokens. ASCII only: the Node SDK UTF-8-encodes strings twice (utf8.encode, then
 * hmac.update as UTF-8), so it disagrees with Plivo's other SDKs on non-ASCII text.
 */
const random = seededRandom(0x9115).next;
const int = (max: number) => Math.floor(random() * max);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];
const word = (length: number) =>
  Array.from({ length }, () => pick([...'abcXYZ0189 -_+!*.~'])).join('');

const NAMES = ['From', 'To', 'Text', 'Type', 'MessageUUID', 'Units', 'a', 'B', 'z1'];

function randomParams(): Record<string, string> {
  const params: Record<string, string> = {};
  for (let i = int(7); i > 0; i--) params[pick(NAMES)] = word(int(12));
  return params;
}

function randomUrl(): string {
  const host = pick(['gateway.example.com', 'h.example', 'h.example:8443']);
  const path = pick(['/vendors/plivo/webhook', '/', '/a/b']);
  const query = pick(['', '', '?tenant=acme', '?b=2&a=1', '?x=a%20b']);
  return `https://${host}${path}${query}`;
}

const accepts = (run: () => unknown) => {
  try {
    run();
    return true;
  } catch (error) {
    if (error instanceof SignatureRejectedError) return false;
    throw error;
  }
};

const CASES = 300;

describe('plivo package as oracle', () => {
  const cases = Array.from({ length: CASES }, () => ({
    token: word(8 + int(32)),
    url: randomUrl(),
    params: randomParams(),
    nonce: String(int(1e9)),
  }));

  it('validateV3Signature accepts our V3 signatures, and rejects them under another token', () => {
    for (const { token, url, params, nonce } of cases) {
      const pairs: PlivoParams = Object.entries(params);
      const ours = computePlivoV3Signature(token, url, pairs, nonce);
      expect({
        url,
        params,
        ok: validateV3Signature('POST', url, nonce, token, ours, params),
      }).toEqual({ url, params, ok: true });
      expect(validateV3Signature('POST', url, nonce, `${token}x`, ours, params)).toBe(false);
    }
  });

  it('agrees with validateV3Signature on tampered parameters', () => {
    for (const { token, url, params, nonce } of cases) {
      const signature = computePlivoV3Signature(token, url, Object.entries(params), nonce);
      const tampered = { ...params, [pick(NAMES)]: word(3) };
      const theirs = validateV3Signature('POST', url, nonce, token, signature, tampered);
      const request = {
        headers: { 'x-plivo-signature-v3': signature, 'x-plivo-signature-v3-nonce': nonce },
        method: 'POST',
        publicUrl: url,
        rawBody: Buffer.from(new URLSearchParams(tampered).toString()),
        contentType: 'application/x-www-form-urlencoded',
      };
      expect(
        accepts(() => verifyPlivoSignature(request, { authToken: token, version: 'v3' })),
      ).toBe(theirs);
    }
  });

  it('validateSignature (V2) accepts our V2 signatures', () => {
    for (const { token, url, nonce } of cases) {
      const ours = computePlivoV2Signature(token, url, nonce);
      expect(validateSignature(url, nonce, ours, token)).toBe(true);
      expect(validateSignature(url, `${nonce}1`, ours, token)).toBe(false);
    }
  });
});
