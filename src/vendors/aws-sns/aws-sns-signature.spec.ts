import { createPublicKey } from 'node:crypto';
import fc from 'fast-check';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import { readSnsEnvelope } from './aws-sns-envelope';
import { assertSnsSignature, snsStringToSign } from './aws-sns-signature';
import {
  documentedStringToSign,
  notification,
  signDocument,
  type SnsDocument,
  subscriptionConfirmation,
  twoWaySms,
} from './fixtures/sns-messages';
import { createSigningIdentity, opensslSign } from './fixtures/sns-test-pki';

const identity = createSigningIdentity();
const publicKey = createPublicKey(identity.certificatePem);
const envelope = (document: SnsDocument) =>
  readSnsEnvelope({ rawBody: Buffer.from(JSON.stringify(document)) });

describe('SNS string to sign', () => {
  it('is Name\\nValue\\n of the notification fields in name order, Subject only if present', () => {
    const document = notification('hello\nworld', {
      messageId: 'm-1',
      at: new Date('2026-11-23T09:00:00.000Z'),
    });
    expect(snsStringToSign(envelope(document))).toBe(
      'Message\nhello\nworld\nMessageId\nm-1\nTimestamp\n2026-11-23T09:00:00.000Z\n' +
        `TopicArn\n${document.TopicArn}\nType\nNotification\n`,
    );
    const withSubject = { ...document, Subject: 'Hi' };
    expect(snsStringToSign(envelope(withSubject))).toContain('MessageId\nm-1\nSubject\nHi\n');
    // An empty Subject is present, and signed as such.
    expect(snsStringToSign(envelope({ ...document, Subject: '' }))).toContain('Subject\n\n');
  });

  it.each(['SubscriptionConfirmation', 'UnsubscribeConfirmation'] as const)(
    'covers SubscribeURL and Token for a %s',
    (type) => {
      const document = subscriptionConfirmation(type);
      expect(snsStringToSign(envelope(document))).toBe(documentedStringToSign(document));
      // One line per name and value once the Message has no line break of its own.
      const text = snsStringToSign(envelope({ ...document, Message: 'confirm' }));
      expect(text.split('\n').filter((_, i) => i % 2 === 0)).toEqual([
        'Message',
        'MessageId',
        'SubscribeURL',
        'Timestamp',
        'Token',
        'TopicArn',
        'Type',
        '',
      ]);
    },
  );

  it('ignores fields SNS does not sign (UnsubscribeURL, SignatureVersion, unknown ones)', () => {
    const document = notification(twoWaySms('a'));
    const extra = { ...document, UnsubscribeURL: 'https://elsewhere/', Extra: 'x' };
    expect(snsStringToSign(envelope(extra))).toBe(snsStringToSign(envelope(document)));
  });
});

/** Printable text with the characters JSON escapes and SNS messages carry. */
const text = fc.string({ unit: 'grapheme', maxLength: 200 });

describe('SNS signatures: openssl dgst -sign as an independent signer', () => {
  it('verifies 150 seeded random messages signed by openssl, v1 (SHA1) and v2 (SHA256)', () => {
    fc.assert(
      fc.property(
        text,
        fc.option(text, { nil: undefined }),
        fc.uuid(),
        fc.constantFrom('1', '2'),
        (message, subject, messageId, version) => {
          const document: SnsDocument = {
            ...notification(message, { messageId, subject }),
            SignatureVersion: version,
          };
          document.Signature = opensslSign(
            identity.keyPem,
            version === '1' ? 'sha1' : 'sha256',
            documentedStringToSign(document),
          );
          expect(() => assertSnsSignature(envelope(document), publicKey)).not.toThrow();
          const altered = { ...document, Message: `${message}.` };
          expect(() => assertSnsSignature(envelope(altered), publicKey)).toThrow(
            SignatureRejectedError,
          );
        },
      ),
      { seed: 20261123, numRuns: 150 },
    );
  });

  it('refuses a v1 signature presented as v2 and the other way round', () => {
    const v1 = signDocument(notification(twoWaySms('a')), identity.keyPem, '1');
    expect(() => assertSnsSignature(envelope(v1), publicKey)).not.toThrow();
    expect(() => assertSnsSignature(envelope({ ...v1, SignatureVersion: '2' }), publicKey)).toThrow(
      'Signature does not match',
    );
    const v2 = signDocument(notification(twoWaySms('a')), identity.keyPem, '2');
    expect(() => assertSnsSignature(envelope({ ...v2, SignatureVersion: '1' }), publicKey)).toThrow(
      'Signature does not match',
    );
  });

  it.each([
    ['a version SNS does not have', { SignatureVersion: '3' }, /SignatureVersion must be 1 or 2/],
    ['a prototype key as version', { SignatureVersion: 'constructor' }, /SignatureVersion/],
    ['a signature that is not base64', { Signature: 'not base64!' }, /not base64/],
    ['a truncated signature', { Signature: 'AAAA' }, /does not match/],
  ])('refuses %s', (_label, change, message) => {
    const signed = signDocument(notification(twoWaySms('a')), identity.keyPem);
    expect(() => assertSnsSignature(envelope({ ...signed, ...change }), publicKey)).toThrow(
      message,
    );
  });
});
