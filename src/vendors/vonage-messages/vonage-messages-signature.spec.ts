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
import { rejectedWith } from '../kit/fixtures/thrown-by';

const check = { secret: VONAGE_MESSAGES_TEST_SECRET, toleranceMs: 300_000 };
const payload = vonageInboundText(VONAGE_MESSAGES_UUID);

async function rejection(
  request: ReturnType<typeof vonageMessagesWebhookRequest>,
): Promise<string> {
  return (
    await rejectedWith(() => verifyVonageMessagesRequest(request, check), SignatureRejectedError)
  ).message;
}

function withToken(token: string, body = JSON.stringify(payload)) {
  return vonageMessagesWebhookRequest({
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('Vonage Messages signature', () => {
  it('accepts a signed webhook and returns its jti as the replay key', async () => {
    const signed = signedVonageMessagesRequest(payload, { claims: { jti: 'jti-1' } });
    await expect(
      verifyVonageMessagesRequest(vonageMessagesWebhookRequest(signed), check),
    ).resolves.toEqual({
      replayKey: 'jti-1',
      replayTtlMs: 600_000,
    });
  });

  it('accepts a token without jti, with no replay key', async () => {
    const signed = signedVonageMessagesRequest(payload, { claims: { jti: undefined } });
    await expect(
      verifyVonageMessagesRequest(vonageMessagesWebhookRequest(signed), check),
    ).resolves.toEqual({});
  });

  it('hashes the exact body bytes for payload_hash', () => {
    expect(vonagePayloadHash('{"property": "value", "boolean": true}')).toBe(
      '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620',
    );
  });

  it('rejects a changed body even though the token itself is valid', async () => {
    const signed = signedVonageMessagesRequest(payload);
    const body = signed.body.replace('never', 'always');
    expect(await rejection(vonageMessagesWebhookRequest({ ...signed, body }))).toBe(
      'payload_hash does not match the body',
    );
    const reformatted = JSON.stringify(payload, null, 1);
    expect(await rejection(vonageMessagesWebhookRequest({ ...signed, body: reformatted }))).toBe(
      'payload_hash does not match the body',
    );
  });

  it('accepts an upper-case payload_hash', async () => {
    const body = JSON.stringify(payload);
    const claims = { ...vonageClaims(body), payload_hash: vonagePayloadHash(body).toUpperCase() };
    await expect(
      verifyVonageMessagesRequest(withToken(hs256Token(claims, check.secret), body), check),
    ).resolves.toBeDefined();
  });

  it('rejects a token without payload_hash or iat, or with a non-numeric iat', async () => {
    for (const [claims, message] of [
      [{ payload_hash: undefined }, 'token payload_hash missing'],
      [{ payload_hash: 42 }, 'token payload_hash missing'],
      [{ iat: undefined }, 'token iat missing'],
      [{ iat: '1700000000' }, 'token iat is not a number'],
    ] as const) {
      const signed = signedVonageMessagesRequest(payload, { claims });
      expect(await rejection(vonageMessagesWebhookRequest(signed))).toBe(message);
    }
  });

  it('rejects a stale or future iat and accepts one inside the window', async () => {
    const now = Date.now();
    for (const offset of [-301_000, 301_000]) {
      const signed = signedVonageMessagesRequest(payload, { at: new Date(now + offset) });
      expect(await rejection(vonageMessagesWebhookRequest(signed))).toMatch(
        /^token iat is \d+ s away/,
      );
    }
    const recent = signedVonageMessagesRequest(payload, { at: new Date(now - 200_000) });
    await expect(
      verifyVonageMessagesRequest(vonageMessagesWebhookRequest(recent), check),
    ).resolves.toBeDefined();
  });

  it('honours exp and nbf when present', async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const expired = signedVonageMessagesRequest(payload, { claims: { exp: nowS - 120 } });
    expect(await rejection(vonageMessagesWebhookRequest(expired))).toBe('token expired');
    const early = signedVonageMessagesRequest(payload, { claims: { nbf: nowS + 120 } });
    expect(await rejection(vonageMessagesWebhookRequest(early))).toBe('token not valid yet');
    const ok = signedVonageMessagesRequest(payload, { claims: { exp: nowS + 60, nbf: nowS } });
    await expect(
      verifyVonageMessagesRequest(vonageMessagesWebhookRequest(ok), check),
    ).resolves.toBeDefined();
  });

  it('rejects another secret, a changed signature and changed claims', async () => {
    const wrong = signedVonageMessagesRequest(payload, { secret: 'other' });
    expect(await rejection(vonageMessagesWebhookRequest(wrong))).toBe('token signature mismatch');
    const token = signedVonageMessagesRequest(payload).headers.authorization.slice(7);
    const [h, p, s] = token.split('.');
    const flipped = s[0] === 'A' ? `B${s.slice(1)}` : `A${s.slice(1)}`;
    expect(await rejection(withToken(`${h}.${p}.${flipped}`))).toBe('token signature mismatch');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = b64({ ...claims, jti: 'other' });
    expect(await rejection(withToken(`${h}.${forged}.${s}`))).toBe('token signature mismatch');
  });

  it('pins the algorithm: none, HS512 and RS256 headers are refused', async () => {
    const body = JSON.stringify(payload);
    const claims = b64(vonageClaims(body));
    for (const alg of ['none', 'HS512', 'RS256', 'hs256']) {
      expect(await rejection(withToken(`${b64({ alg, typ: 'JWT' })}.${claims}.x`, body))).toBe(
        'token algorithm must be HS256',
      );
    }
    expect(await rejection(withToken(`${b64({ alg: 'none' })}.${claims}.`, body))).toBe(
      'token is not a compact JWT',
    );
  });

  it('rejects a missing, repeated, non-Bearer or garbled authorization header', async () => {
    const signed = signedVonageMessagesRequest(payload);
    const request = vonageMessagesWebhookRequest(signed);
    const { authorization } = signed.headers;
    expect(await rejection({ ...request, headers: { 'content-type': 'application/json' } })).toBe(
      'authorization header missing',
    );
    expect(
      await rejection({ ...request, headers: { authorization: [authorization, authorization] } }),
    ).toBe('authorization header repeated');
    expect(
      await rejection({ ...request, headers: { authorization: authorization.slice(7) } }),
    ).toBe('authorization header is not a Bearer token');
    expect(await rejection(withToken('a.b'))).toBe('token is not a compact JWT');
    expect(await rejection(withToken(`${b64('x')}.e30.x`))).toBe(
      'token header is not a JSON object',
    );
    expect(await rejection(withToken('bm90IGpzb24.e30.x'))).toBe('token header is not JSON');
  });

  it('rejects a jti that cannot be a replay key', async () => {
    for (const jti of ['', 'x'.repeat(129), 'with space', 7]) {
      const signed = signedVonageMessagesRequest(payload, { claims: { jti } });
      expect(await rejection(vonageMessagesWebhookRequest(signed))).toBe(
        'token jti is not a short printable string',
      );
    }
  });

  it('never puts the secret in an error message', async () => {
    const signed = signedVonageMessagesRequest(payload, { secret: 'other' });
    expect(await rejection(vonageMessagesWebhookRequest(signed))).not.toContain(check.secret);
  });
});
