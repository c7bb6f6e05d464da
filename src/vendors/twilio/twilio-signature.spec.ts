import { SignatureRejectedError } from '../../common/problem/gateway-error';
import {
  computeTwilioSignature,
  twilioBodyHash,
  twilioUrlCandidates,
  verifyTwilioSignature,
  type TwilioSignatureCheck,
} from './twilio-signature';
import { thrownBy } from '../kit/fixtures/thrown-by';

/**
 * Published vectors: VENDORS.md, and twilio-python's tests/unit/test_request_validator.py
 * (duplicate-value, http :80, body-only URL and JSON URL signatures).
 */
const TOKEN = '12345';
const URL_ = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS: [string, string][] = [
  ['CallSid', 'CA1234567890ABCDE'],
  ['Caller', '+14158675309'],
  ['Digits', '1234'],
  ['From', '+14158675309'],
  ['To', '+18005551212'],
];
const EXPECTED = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
const EXPECTED_WITH_443 = 'kvajT1Ptam85bY51eRf/AJRuM3w=';
const EXPECTED_HTTP_WITH_80 = '0ZXoZLH/DfblKGATFgpif+LLRf4=';
const EXPECTED_DUPLICATES = 'IK+Dwps556ElfBT0I3Rgjkr1wJU=';
const JSON_BODY = '{"property": "value", "boolean": true}';
const JSON_BODY_HASH = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';
const JSON_URL = `${URL_}&bodySHA256=${JSON_BODY_HASH}`;
const JSON_URL_SIGNATURE = 'a9nBmqA0ju/hNViExpshrM61xv4=';
const HASH_ONLY_URL = `https://mycompany.com/myapp.php?bodySHA256=${JSON_BODY_HASH}`;
const HASH_ONLY_URL_SIGNATURE = 'y77kIzt2vzLz71DgmJGsen2scGs=';

const FORM_BODY = Buffer.from(new URLSearchParams(PARAMS).toString());

function formCheck(overrides: Partial<TwilioSignatureCheck> = {}): TwilioSignatureCheck {
  return {
    authToken: TOKEN,
    url: URL_,
    signatureHeader: EXPECTED,
    contentType: 'application/x-www-form-urlencoded',
    rawBody: FORM_BODY,
    ...overrides,
  };
}

function jsonCheck(overrides: Partial<TwilioSignatureCheck> = {}): TwilioSignatureCheck {
  return {
    authToken: TOKEN,
    url: JSON_URL,
    signatureHeader: JSON_URL_SIGNATURE,
    contentType: 'application/json',
    rawBody: Buffer.from(JSON_BODY),
    ...overrides,
  };
}

function rejection(check: TwilioSignatureCheck): string {
  return thrownBy(() => verifyTwilioSignature(check), SignatureRejectedError).message;
}

describe('computeTwilioSignature', () => {
  it('matches the published form vector', () => {
    expect(computeTwilioSignature(TOKEN, URL_, PARAMS)).toBe(EXPECTED);
  });

  it('gives the same result for a record and for pairs in any order', () => {
    expect(computeTwilioSignature(TOKEN, URL_, Object.fromEntries(PARAMS))).toBe(EXPECTED);
    expect(computeTwilioSignature(TOKEN, URL_, [...PARAMS].reverse())).toBe(EXPECTED);
  });

  it('matches the published vector with :443', () => {
    const url = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    expect(computeTwilioSignature(TOKEN, url, PARAMS)).toBe(EXPECTED_WITH_443);
  });

  it('matches the published http :80 vector', () => {
    const url = 'http://mycompany.com:80/myapp.php?foo=1&bar=2';
    expect(computeTwilioSignature(TOKEN, url, PARAMS)).toBe(EXPECTED_HTTP_WITH_80);
  });

  it('sorts names, sorts and de-duplicates repeated values (published vector)', () => {
    const repeated: [string, string][] = [
      ['Sid', 'CA123'],
      ['SidAccount', 'AC123'],
      ['Digits', '5678'],
      ['Digits', '1234'],
      ['Digits', '1234'],
    ];
    expect(computeTwilioSignature(TOKEN, URL_, repeated)).toBe(EXPECTED_DUPLICATES);
    expect(
      computeTwilioSignature(TOKEN, URL_, {
        Sid: 'CA123',
        SidAccount: 'AC123',
        Digits: ['5678', '1234', '1234'],
      }),
    ).toBe(EXPECTED_DUPLICATES);
  });

  it('signs the URL alone for the published JSON vectors', () => {
    expect(computeTwilioSignature(TOKEN, JSON_URL)).toBe(JSON_URL_SIGNATURE);
    expect(computeTwilioSignature(TOKEN, HASH_ONLY_URL, [])).toBe(HASH_ONLY_URL_SIGNATURE);
  });

  it('depends on the token', () => {
    expect(computeTwilioSignature('54321', URL_, PARAMS)).not.toBe(EXPECTED);
  });
});

describe('twilioBodyHash', () => {
  it('matches the published bodySHA256 vector', () => {
    expect(twilioBodyHash(Buffer.from(JSON_BODY))).toBe(JSON_BODY_HASH);
    expect(twilioBodyHash(JSON_BODY)).toBe(JSON_BODY_HASH);
  });
});

describe('twilioUrlCandidates', () => {
  it('adds the default port when there is none', () => {
    expect(twilioUrlCandidates('https://h.example/p?q=1')).toEqual([
      'https://h.example/p?q=1',
      'https://h.example:443/p?q=1',
    ]);
    expect(twilioUrlCandidates('http://h.example/p')).toEqual([
      'http://h.example/p',
      'http://h.example:80/p',
    ]);
  });

  it('removes a port when there is one', () => {
    expect(twilioUrlCandidates('https://h.example:443/p')).toEqual([
      'https://h.example:443/p',
      'https://h.example/p',
    ]);
    expect(twilioUrlCandidates('http://h.example:8080/p')).toEqual([
      'http://h.example:8080/p',
      'http://h.example/p',
    ]);
  });

  it('keeps user info, IPv6 literals, and the exact path and query bytes', () => {
    expect(twilioUrlCandidates("https://u:p@[2001:db8::1]/a b?x='y'")).toEqual([
      "https://u:p@[2001:db8::1]/a b?x='y'",
      "https://u:p@[2001:db8::1]:443/a b?x='y'",
    ]);
    expect(twilioUrlCandidates('https://[2001:db8::1]:8443/')).toEqual([
      'https://[2001:db8::1]:8443/',
      'https://[2001:db8::1]/',
    ]);
  });

  it('leaves URLs it cannot split as they are', () => {
    expect(twilioUrlCandidates('/relative/path')).toEqual(['/relative/path']);
  });
});

describe('verifyTwilioSignature: form bodies', () => {
  it('accepts the published vector', () => {
    expect(() => verifyTwilioSignature(formCheck())).not.toThrow();
  });

  it('accepts a signature over the URL with :443 when the gateway URL has no port', () => {
    expect(() =>
      verifyTwilioSignature(formCheck({ signatureHeader: EXPECTED_WITH_443 })),
    ).not.toThrow();
  });

  it('accepts a signature over the URL without port when the gateway URL has :443', () => {
    const url = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    expect(() => verifyTwilioSignature(formCheck({ url }))).not.toThrow();
  });

  it('accepts the http :80 vector for the port-less http URL', () => {
    const url = 'http://mycompany.com/myapp.php?foo=1&bar=2';
    expect(() =>
      verifyTwilioSignature(formCheck({ url, signatureHeader: EXPECTED_HTTP_WITH_80 })),
    ).not.toThrow();
  });

  it('accepts an internal port that Twilio never saw, as the official validators do', () => {
    const url = 'https://mycompany.com:1234/myapp.php?foo=1&bar=2';
    expect(() => verifyTwilioSignature(formCheck({ url }))).not.toThrow();
  });

  it('accepts repeated parameters in the body', () => {
    const body = Buffer.from('Sid=CA123&Digits=5678&SidAccount=AC123&Digits=1234&Digits=1234');
    expect(() =>
      verifyTwilioSignature(formCheck({ rawBody: body, signatureHeader: EXPECTED_DUPLICATES })),
    ).not.toThrow();
  });

  it('signs decoded values: + is a space, %2B is a plus', () => {
    const url = 'https://h.example/hook';
    const plus = computeTwilioSignature('t', url, [['Body', 'a+b']]);
    const space = computeTwilioSignature('t', url, [['Body', 'a b']]);
    const check = { authToken: 't', url, contentType: 'application/x-www-form-urlencoded' };
    expect(() =>
      verifyTwilioSignature({
        ...check,
        rawBody: Buffer.from('Body=a%2Bb'),
        signatureHeader: plus,
      }),
    ).not.toThrow();
    expect(() =>
      verifyTwilioSignature({ ...check, rawBody: Buffer.from('Body=a+b'), signatureHeader: space }),
    ).not.toThrow();
    expect(rejection({ ...check, rawBody: Buffer.from('Body=a+b'), signatureHeader: plus })).toBe(
      'signature mismatch',
    );
  });

  it.each([
    [
      'a body value changed',
      { rawBody: Buffer.from(FORM_BODY.toString().replace('1234', '1235')) },
    ],
    ['a parameter added', { rawBody: Buffer.concat([FORM_BODY, Buffer.from('&Extra=1')]) }],
    [
      'a parameter removed',
      { rawBody: Buffer.from(FORM_BODY.toString().replace(/&To=[^&]*/, '')) },
    ],
    [
      'a parameter renamed',
      { rawBody: Buffer.from(FORM_BODY.toString().replace('Digits', 'Digit')) },
    ],
    ['an empty body', { rawBody: Buffer.alloc(0) }],
    ['the path changed', { url: 'https://mycompany.com/other.php?foo=1&bar=2' }],
    ['the query changed', { url: 'https://mycompany.com/myapp.php?foo=1&bar=3' }],
    ['the query dropped', { url: 'https://mycompany.com/myapp.php' }],
    ['the host changed', { url: 'https://evil.example/myapp.php?foo=1&bar=2' }],
    ['the scheme changed', { url: 'http://mycompany.com/myapp.php?foo=1&bar=2' }],
    ['a wrong token', { authToken: '54321' }],
    ['a signature for other params', { signatureHeader: EXPECTED_DUPLICATES }],
    ['a JSON content type over a form body', { contentType: 'application/json' }],
  ])('rejects %s', (_label, overrides: Partial<TwilioSignatureCheck>) => {
    expect(() => verifyTwilioSignature(formCheck(overrides))).toThrow(SignatureRejectedError);
  });

  it('says which header check failed, without the expected signature or the token', () => {
    expect(rejection(formCheck({ signatureHeader: undefined }))).toBe(
      'X-Twilio-Signature header missing',
    );
    expect(rejection(formCheck({ signatureHeader: '' }))).toBe('X-Twilio-Signature header empty');
    expect(rejection(formCheck({ signatureHeader: '   ' }))).toBe(
      'X-Twilio-Signature header empty',
    );
    expect(rejection(formCheck({ signatureHeader: [EXPECTED, EXPECTED] }))).toBe(
      'X-Twilio-Signature header duplicated',
    );
    expect(rejection(formCheck({ signatureHeader: [EXPECTED] }))).toBe(
      'X-Twilio-Signature header duplicated',
    );
    expect(rejection(formCheck({ signatureHeader: `${EXPECTED}, ${EXPECTED}` }))).toBe(
      'X-Twilio-Signature header duplicated',
    );
    expect(rejection(formCheck({ signatureHeader: 'garbage' }))).toBe(
      'X-Twilio-Signature header is not a base64 HMAC-SHA1 value',
    );
    expect(rejection(formCheck({ signatureHeader: ` ${EXPECTED}` }))).toBe(
      'X-Twilio-Signature header is not a base64 HMAC-SHA1 value',
    );
    const wrong = computeTwilioSignature('54321', URL_, PARAMS);
    const message = rejection(formCheck({ signatureHeader: wrong }));
    expect(message).toBe('signature mismatch');
    expect(message).not.toContain(EXPECTED);
    expect(message).not.toContain(TOKEN);
  });

  it('rejects garbage of the right length without throwing a RangeError', () => {
    for (const signatureHeader of ['A'.repeat(27) + '=', 'é'.repeat(14), '\u0000'.repeat(28)]) {
      expect(() => verifyTwilioSignature(formCheck({ signatureHeader }))).toThrow(
        SignatureRejectedError,
      );
    }
  });

  it('refuses to verify with an empty token, which anyone could sign with', () => {
    const signatureHeader = computeTwilioSignature('', URL_, PARAMS);
    expect(rejection(formCheck({ authToken: '', signatureHeader }))).toBe(
      'no Twilio auth token configured',
    );
  });
});

describe('verifyTwilioSignature: JSON bodies', () => {
  it('accepts the published JSON vectors', () => {
    expect(() => verifyTwilioSignature(jsonCheck())).not.toThrow();
    expect(() =>
      verifyTwilioSignature(
        jsonCheck({ url: HASH_ONLY_URL, signatureHeader: HASH_ONLY_URL_SIGNATURE }),
      ),
    ).not.toThrow();
  });

  it('accepts the URL with the default port added by a proxy', () => {
    const url = `https://mycompany.com:443/myapp.php?foo=1&bar=2&bodySHA256=${JSON_BODY_HASH}`;
    expect(() => verifyTwilioSignature(jsonCheck({ url }))).not.toThrow();
  });

  it('rejects a changed body even though the URL signature holds', () => {
    expect(rejection(jsonCheck({ rawBody: Buffer.from('{"property": "evil"}') }))).toBe(
      'bodySHA256 does not match the body',
    );
    expect(rejection(jsonCheck({ rawBody: Buffer.from(`${JSON_BODY} `) }))).toBe(
      'bodySHA256 does not match the body',
    );
  });

  it('rejects a bodySHA256 swapped for the hash of another body', () => {
    const evil = Buffer.from('{"property": "evil"}');
    const url = `${URL_}&bodySHA256=${twilioBodyHash(evil)}`;
    expect(rejection(jsonCheck({ url, rawBody: evil }))).toBe('signature mismatch');
  });

  it('rejects a JSON body whose URL carries no bodySHA256', () => {
    const signatureHeader = computeTwilioSignature(TOKEN, URL_);
    expect(rejection(jsonCheck({ url: URL_, signatureHeader }))).toBe(
      'bodySHA256 query parameter missing for a JSON body',
    );
  });

  it('rejects a duplicated bodySHA256', () => {
    const url = `${JSON_URL}&bodySHA256=${JSON_BODY_HASH}`;
    const signatureHeader = computeTwilioSignature(TOKEN, url);
    expect(rejection(jsonCheck({ url, signatureHeader }))).toBe(
      'bodySHA256 query parameter duplicated',
    );
  });

  it('rejects a wrong token, a missing header and a changed query', () => {
    expect(rejection(jsonCheck({ authToken: '54321' }))).toBe('signature mismatch');
    expect(rejection(jsonCheck({ signatureHeader: undefined }))).toBe(
      'X-Twilio-Signature header missing',
    );
    expect(rejection(jsonCheck({ url: JSON_URL.replace('foo=1', 'foo=2') }))).toBe(
      'signature mismatch',
    );
  });

  it('does not accept a form-style signature over JSON fields', () => {
    const signatureHeader = computeTwilioSignature(TOKEN, JSON_URL, [
      ['property', 'value'],
      ['boolean', 'true'],
    ]);
    expect(rejection(jsonCheck({ signatureHeader }))).toBe('signature mismatch');
  });
});
