import { SignatureRejectedError } from '../../common/problem/gateway-error';
import { omit, VONAGE_SMS_VECTOR, vonageInboundSms } from './fixtures/vonage-sms-payloads';
import {
  signedVonageSmsRequest,
  VONAGE_SMS_TEST_SECRET,
  vonageSmsWebhookRequest,
} from './fixtures/signed-vonage-sms-request';
import {
  computeVonageSmsSignature,
  verifyVonageSmsSignature,
  vonageSmsSignedString,
  type VonageSmsSignatureCheck,
} from './vonage-sms-signature';
import {
  VONAGE_SMS_SIGNATURE_METHODS,
  type VonageSmsSignatureMethod,
} from './vonage-sms.constants';
import { thrownBy } from '../kit/fixtures/thrown-by';

const tolerance = 300_000;
const check = (method: VonageSmsSignatureMethod = 'md5hash'): VonageSmsSignatureCheck => ({
  secret: VONAGE_SMS_TEST_SECRET,
  method,
  toleranceMs: tolerance,
});

function form(params: Readonly<Record<string, string>>, receivedAt = new Date()) {
  return vonageSmsWebhookRequest(
    {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    },
    receivedAt,
  );
}

function rejection(run: () => void): string {
  return thrownBy(run, SignatureRejectedError).message;
}

describe('Vonage SMS signature: published vectors', () => {
  const { secret, params, md5hash, sha256hmac } = VONAGE_SMS_VECTOR;
  const vectorTime = new Date(Number(params.timestamp) * 1000 + 5_000);

  it('builds the documented signed string', () => {
    expect(vonageSmsSignedString(params)).toBe(
      '&message-timestamp=2013-11-21 15:27:30&messageId=020000001B0FE827&msisdn=14843472194' +
        '&text=Test again&timestamp=1385047698&to=13239877404&type=text',
    );
  });

  it('computes the md5hash and SHA-256 HMAC vectors', () => {
    expect(computeVonageSmsSignature(params, secret, 'md5hash')).toBe(md5hash);
    expect(computeVonageSmsSignature(params, secret, 'sha256hmac')).toBe(sha256hmac);
  });

  it('accepts the vectors as webhooks, in either letter case', () => {
    for (const [method, sig] of [
      ['md5hash', md5hash],
      ['md5hash', md5hash.toUpperCase()],
      ['sha256hmac', sha256hmac],
      ['sha256hmac', sha256hmac.toLowerCase()],
    ] as const) {
      const request = form({ ...params, sig }, vectorTime);
      expect(() =>
        verifyVonageSmsSignature(request, { secret, method, toleranceMs: tolerance }),
      ).not.toThrow();
    }
  });

  it('rejects a vector checked with another method than the one configured', () => {
    const request = form({ ...params, sig: md5hash }, vectorTime);
    const message = rejection(() =>
      verifyVonageSmsSignature(request, { secret, method: 'md5hmac', toleranceMs: tolerance }),
    );
    expect(message).toBe('signature mismatch');
  });

  it('ignores the sig parameter itself when signing', () => {
    expect(vonageSmsSignedString({ ...params, sig: 'abc' })).toBe(vonageSmsSignedString(params));
  });

  it('replaces & and = inside values with _', () => {
    expect(vonageSmsSignedString({ text: 'a&b=c', b: 'x' })).toBe('&b=x&text=a_b_c');
  });
});

describe('Vonage SMS signature: every method', () => {
  it.each(VONAGE_SMS_SIGNATURE_METHODS)('accepts %s and rejects the other methods', (method) => {
    const signed = signedVonageSmsRequest(vonageInboundSms('0A0000000123ABCD1'), { method });
    expect(() =>
      verifyVonageSmsSignature(vonageSmsWebhookRequest(signed), check(method)),
    ).not.toThrow();
    for (const other of VONAGE_SMS_SIGNATURE_METHODS.filter((m) => m !== method)) {
      expect(
        rejection(() => verifyVonageSmsSignature(vonageSmsWebhookRequest(signed), check(other))),
      ).toBe('signature mismatch');
    }
  });

  it('signs HMACs in upper case and md5hash in lower case, as Vonage does', () => {
    const params = vonageInboundSms('0A0000000123ABCD1');
    expect(computeVonageSmsSignature(params, 's', 'md5hash')).toMatch(/^[0-9a-f]{32}$/);
    expect(computeVonageSmsSignature(params, 's', 'md5hmac')).toMatch(/^[0-9A-F]{32}$/);
    expect(computeVonageSmsSignature(params, 's', 'sha1hmac')).toMatch(/^[0-9A-F]{40}$/);
    expect(computeVonageSmsSignature(params, 's', 'sha512hmac')).toMatch(/^[0-9A-F]{128}$/);
  });

  it('accepts the JSON body of the POST-JSON method', () => {
    const signed = signedVonageSmsRequest(vonageInboundSms('0A0000000123ABCD1'), {
      format: 'json',
      method: 'sha512hmac',
    });
    expect(() =>
      verifyVonageSmsSignature(vonageSmsWebhookRequest(signed), check('sha512hmac')),
    ).not.toThrow();
  });
});

describe('Vonage SMS signature: tampering', () => {
  const signed = signedVonageSmsRequest(vonageInboundSms('0A0000000123ABCD1'));

  it.each(Object.keys(signed.params).filter((name) => name !== 'sig'))(
    'rejects a changed %s',
    (name) => {
      const params = { ...signed.params, [name]: `${signed.params[name]}9` };
      expect(rejection(() => verifyVonageSmsSignature(form(params), check()))).toBe(
        'signature mismatch',
      );
    },
  );

  it('rejects an added parameter and a removed one', () => {
    const added = { ...signed.params, extra: '1' };
    expect(rejection(() => verifyVonageSmsSignature(form(added), check()))).toBe(
      'signature mismatch',
    );
    const removed = omit(signed.params, 'text');
    expect(rejection(() => verifyVonageSmsSignature(form(removed), check()))).toBe(
      'signature mismatch',
    );
  });

  it('rejects a wrong secret', () => {
    const request = vonageSmsWebhookRequest(signed);
    expect(
      rejection(() => verifyVonageSmsSignature(request, { ...check(), secret: 'other' })),
    ).toBe('signature mismatch');
  });

  it('rejects a missing, empty, non-hex or repeated sig', () => {
    const { sig, ...unsigned } = signed.params;
    expect(rejection(() => verifyVonageSmsSignature(form(unsigned), check()))).toBe(
      'sig parameter missing',
    );
    expect(rejection(() => verifyVonageSmsSignature(form({ ...unsigned, sig: '' }), check()))).toBe(
      'sig parameter missing',
    );
    const nonHex = { ...unsigned, sig: `${sig.slice(1)}z` };
    expect(rejection(() => verifyVonageSmsSignature(form(nonHex), check()))).toBe(
      'sig parameter is not hexadecimal',
    );
    const repeated = vonageSmsWebhookRequest({
      headers: signed.headers,
      body: `${signed.body}&sig=${sig}`,
    });
    expect(rejection(() => verifyVonageSmsSignature(repeated, check()))).toMatch(
      /^sig cannot be checked: sig appears more than once/,
    );
  });

  it('rejects a body that cannot be read with 401, naming why', () => {
    const broken = vonageSmsWebhookRequest({ headers: signed.headers, body: 'text=100%' });
    expect(rejection(() => verifyVonageSmsSignature(broken, check()))).toMatch(
      /^sig cannot be checked: form body is not valid/,
    );
    const notJson = vonageSmsWebhookRequest({
      headers: { 'content-type': 'application/json' },
      body: '[1]',
    });
    expect(rejection(() => verifyVonageSmsSignature(notJson, check()))).toBe(
      'sig cannot be checked: JSON body must be an object',
    );
  });

  it('rejects a stale, a future and a missing timestamp, and accepts one inside the window', () => {
    const now = new Date();
    const stale = signedVonageSmsRequest(vonageInboundSms('0A01'), {
      at: new Date(now.getTime() - tolerance - 1_000),
    });
    expect(
      rejection(() => verifyVonageSmsSignature(vonageSmsWebhookRequest(stale, now), check())),
    ).toMatch(/^timestamp is \d+ s away from now/);
    const future = signedVonageSmsRequest(vonageInboundSms('0A02'), {
      at: new Date(now.getTime() + tolerance + 1_000),
    });
    expect(() => verifyVonageSmsSignature(vonageSmsWebhookRequest(future, now), check())).toThrow(
      SignatureRejectedError,
    );
    const recent = signedVonageSmsRequest(vonageInboundSms('0A03'), {
      at: new Date(now.getTime() - tolerance + 5_000),
    });
    expect(() =>
      verifyVonageSmsSignature(vonageSmsWebhookRequest(recent, now), check()),
    ).not.toThrow();

    const rest = omit(signed.params, 'timestamp', 'sig');
    const noTimestamp = {
      ...rest,
      sig: computeVonageSmsSignature(rest, VONAGE_SMS_TEST_SECRET, 'md5hash'),
    };
    expect(rejection(() => verifyVonageSmsSignature(form(noTimestamp), check()))).toBe(
      'timestamp parameter missing',
    );
  });

  it('rejects a signed timestamp that is not epoch seconds', () => {
    const rest = omit(signed.params, 'sig');
    const params = { ...rest, timestamp: '2025-05-01T12:00:00Z' };
    const request = form({
      ...params,
      sig: computeVonageSmsSignature(params, VONAGE_SMS_TEST_SECRET, 'md5hash'),
    });
    expect(rejection(() => verifyVonageSmsSignature(request, check()))).toBe(
      'timestamp is not a time',
    );
  });

  it('never puts the secret in an error message', () => {
    const messages: string[] = [];
    for (const body of ['', 'sig=00', signed.body.replace('sig=', 'sig=0')]) {
      messages.push(
        rejection(() =>
          verifyVonageSmsSignature(
            vonageSmsWebhookRequest({ headers: signed.headers, body }),
            check(),
          ),
        ),
      );
    }
    for (const message of messages) expect(message).not.toContain(VONAGE_SMS_TEST_SECRET);
  });
});
