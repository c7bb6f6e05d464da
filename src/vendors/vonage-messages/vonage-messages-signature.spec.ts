import { SignatureRejectedError } from '../../common/problem/gateway-error';
import {
  hs256Token,
  signedVonageMessagesRequest,
  VONAGE_MESSAGES_TEST_SECRET,
  vonageClaims,
  vonageMessagesWebhookRequest,
} from './fixtures/signed-vonage-messages-request';
import { vonageInboundText, VONAGE_MESSAGES_UUID } from './fixtures/vonage-messages-payloads';
import { verifyVonageMessagesRequest, vonagePayloadHash } from './vonage-messages-signature';
import { thrownBy } from '../kit/fixtures/thrown-by';

const check = { secret: VONAGE_MESSAGES_TEST_SECRET, toleranceMs: 300_000 };
const payload = vonageInboundText(VONAGE_MESSAGES_UUID);

function rejection(request: ReturnType<typeof vonageMessagesWebhookRequest>): string {
  return thrownBy(() => verifyVonageMessagesRequest(request, check), SignatureRejectedError)
    .message;
}

function withToken(token: string, body = JSON.stringify(payload)) {
  return vonageMessagesWebhookRequest({
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('Vonage Messages signature', () => {
  it('accepts a signed webhook and returns its jti as the replay key', () => {
    const signed = signedVonageMessagesRequest(payload, { claims: { jti: 'jti-1' } });
    expect(verifyVonageMessagesRequest(vonageMessagesWebhookRequest(signed), check)).toEqual({
      replayKey: 'jti-1',
      replayTtlMs: 600_000,
    });
  });

  it('accepts a token without jti, with no replay key', () => {
    const signed = signedVonageMessagesRequest(payload, { claims: { jti: undefined } });
    expect(verifyVonageMessagesRequest(vonageMessagesWebhookRequest(signed), check)).toEqual({});
  });

  it('hashes the exact body bytes for payload_hash', () => {
    expect(vonagePayloadHash('{"property": "value", "boolean": true}')).toBe(
      '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620',
    );
  });

  it('rejects a changed body even though the token itself is valid', () => {
    const signed = signedVonageMessagesRequest(payload);
    const body = signed.body.replace('never', 'always');
    expect(rejection(vonageMessagesWebhookRequest({ ...signed, body }))).toBe(
      'payload_hash does not match the body',
    );
    const reformatted = JSON.stringify(payload, null, 1);
    expect(rejection(vonageMessagesWebhookRequest({ ...signed, body: reformatted }))).toBe(
      'payload_hash does not match the body',
    );
  });

  it('accepts an upper-case payload_hash', () => {
    const body = JSON.stringify(payload);
    const claims = { ...vonageClaims(body), payload_hash: vonagePayloadHash(body).toUpperCase() };
    expect(() =>
      verifyVonageMessagesRequest(withToken(hs256Token(claims, check.secret), body), check),
    ).not.toThrow();
  });

  it('rejects a token without payload_hash or iat, or with a non-numeric iat', () => {
    for (const [claims, message] of [
      [{ payload_hash: undefined }, 'token payload_hash missing'],
      [{ payload_hash: 42 }, 'token payload_hash missing'],
      [{ iat: undefined }, 'token iat missing'],
      [{ iat: '1700000000' }, 'token iat is not a number'],
    ] as const) {
      const signed = signedVonageMessagesRequest(payload, { claims });
      expect(rejection(vonageMessagesWebhookRequest(signed))).toBe(message);
    }
  });

  it('rejects a stale or future iat and accepts one inside the window', () => {
    const now = Date.now();
    for (const offset of [-301_000, 301_000]) {
      const signed = signedVonageMessagesRequest(payload, { at: new Date(now + offset) });
      expect(rejection(vonageMessagesWebhookRequest(signed))).toMatch(/^token iat is \d+ s away/);
    }
    const recent = signedVonageMessagesRequest(payload, { at: new Date(now - 200_000) });
    expect(() =>
      verifyVonageMessagesRequest(vonageMessagesWebhookRequest(recent), check),
    ).not.toThrow();
  });

  it('honours exp and nbf when present', () => {
    const nowS = Math.floor(Date.now() / 1000);
    const expired = signedVonageMessagesRequest(payload, { claims: { exp: nowS - 120 } });
    expect(rejection(vonageMessagesWebhookRequest(expired))).toBe('token expired');
    const early = signedVonageMessagesRequest(payload, { claims: { nbf: nowS + 120 } });
    expect(rejection(vonageMessagesWebhookRequest(early))).toBe('token not valid yet');
    const ok = signedVonageMessagesRequest(payload, { claims: { exp: nowS + 60, nbf: nowS } });
    expect(() =>
      verifyVonageMessagesRequest(vonageMessagesWebhookRequest(ok), check),
    ).not.toThrow();
  });

  it('rejects another secret, a changed signature and changed claims', () => {
    const wrong = signedVonageMessagesRequest(payload, { secret: 'other' });
    expect(rejection(vonageMessagesWebhookRequest(wrong))).toBe('token signature mismatch');
    const token = signedVonageMessagesRequest(payload).headers.authorization.slice(7);
    const [h, p, s] = token.split('.');
    const flipped = s[0] === 'A' ? `B${s.slice(1)}` : `A${s.slice(1)}`;
    expect(rejection(withToken(`${h}.${p}.${flipped}`))).toBe('token signature mismatch');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = b64({ ...claims, jti: 'other' });
    expect(rejection(withToken(`${h}.${forged}.${s}`))).toBe('token signature mismatch');
  });

  it('pins the algorithm: none, HS512 and RS256 headers are refused', () => {
    const body = JSON.stringify(payload);
    const claims = b64(vonageClaims(body));
    for (const alg of ['none', 'HS512', 'RS256', 'hs256']) {
      expect(rejection(withToken(`${b64({ alg, typ: 'JWT' })}.${claims}.x`, body))).toBe(
        'token algorithm must be HS256',
      );
    }
    expect(rejection(withToken(`${b64({ alg: 'none' })}.${claims}.`, body))).toBe(
      'token is not a compact JWT',
    );
  });

  it('rejects a missing, repeated, non-Bearer or garbled authorization header', () => {
    const signed = signedVonageMessagesRequest(payload);
    const request = vonageMessagesWebhookRequest(signed);
    const { authorization } = signed.headers;
    expect(rejection({ ...request, headers: { 'content-type': 'application/json' } })).toBe(
      'authorization header missing',
    );
    expect(
      rejection({ ...request, headers: { authorization: [authorization, authorization] } }),
    ).toBe('authorization header repeated');
    expect(rejection({ ...request, headers: { authorization: authorization.slice(7) } })).toBe(
      'authorization header is not a Bearer token',
    );
    expect(rejection(withToken('a.b'))).toBe('token is not a compact JWT');
    expect(rejection(withToken(`${b64('x')}.e30.x`))).toBe('token header is not a JSON object');
    expect(rejection(withToken('bm90IGpzb24.e30.x'))).toBe('token header is not JSON');
  });

  it('rejects a jti that cannot be a replay key', () => {
    for (const jti of ['', 'x'.repeat(129), 'with space', 7]) {
      const signed = signedVonageMessagesRequest(payload, { claims: { jti } });
      expect(rejection(vonageMessagesWebhookRequest(signed))).toBe(
        'token jti is not a short printable string',
      );
    }
  });

  it('never puts the secret in an error message', () => {
    const signed = signedVonageMessagesRequest(payload, { secret: 'other' });
    expect(rejection(vonageMessagesWebhookRequest(signed))).not.toContain(check.secret);
  });
});
