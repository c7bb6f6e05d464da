import fc from 'fast-check';
import { fuzzRuns } from '../../test/support/fuzz-runs';
import { UnprocessablePayloadError } from '../common/problem/gateway-error';
import type { InboundMessage } from './inbound-message';
import { assertValidMessages, violationOf } from './inbound-message.validation';

const valid: InboundMessage = {
  vendor: 'twilio',
  messageId: 'SM0123456789',
  kind: 'sms',
  from: '+14155552671',
  to: '+14155550100',
  text: 'hello',
  media: [{ url: 'https://media.example.com/1', contentType: 'image/jpeg' }],
  receivedAt: '2026-11-23T09:00:00.000Z',
  raw: {},
};

function refusal(messages: InboundMessage[]): UnprocessablePayloadError {
  try {
    assertValidMessages('twilio', messages);
  } catch (error) {
    if (error instanceof UnprocessablePayloadError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('assertValidMessages', () => {
  it('accepts a well-formed message', () => {
    expect(() => assertValidMessages('twilio', [valid])).not.toThrow();
  });

  it('accepts an empty list: a control event that stores nothing', () => {
    expect(() => assertValidMessages('twilio', [])).not.toThrow();
  });

  it('names the message and the field that is wrong', () => {
    const error = refusal([valid, { ...valid, media: [{ url: 'ftp://x' }] }]);
    expect(error.message).toBe('message 1: media.0.url must be a URL address');
    expect(error.extensions).toEqual({ index: 1, field: 'media.0.url' });
    expect(refusal([{ ...valid, from: '4155552671' }]).extensions).toEqual({
      index: 0,
      field: 'from',
    });
    expect(refusal([{ ...valid, kind: 'fax' as InboundMessage['kind'] }]).extensions).toMatchObject(
      {
        field: 'kind',
      },
    );
    expect(refusal([{ ...valid, messageId: '' }]).extensions).toMatchObject({ field: 'messageId' });
    expect(refusal([{ ...valid, receivedAt: 'yesterday' }]).extensions).toMatchObject({
      field: 'receivedAt',
    });
    // toISOString writes it, but validator reads years below 100 as 19xx and refuses it.
    expect(
      refusal([{ ...valid, receivedAt: '0099-12-31T23:59:59.999Z' }]).extensions,
    ).toMatchObject({ field: 'receivedAt' });
  });

  it('lets a status callback keep a sender id, still bounded, but no other kind', () => {
    expect(() =>
      assertValidMessages('twilio', [{ ...valid, kind: 'status', from: 'ACME' }]),
    ).not.toThrow();
    expect(refusal([{ ...valid, kind: 'status', from: 'A'.repeat(65) }]).extensions).toEqual({
      index: 0,
      field: 'from',
    });
    expect(refusal([{ ...valid, kind: 'sms', from: 'ACME' }]).message).toBe(
      'message 0: from must be an E.164 phone number',
    );
  });

  it('refuses a message attributed to another vendor', () => {
    expect(refusal([{ ...valid, vendor: 'vonage' }]).message).toBe(
      'message 0: vendor must be twilio',
    );
  });

  it('takes no shortcut class-validator would not: it accepts exactly what the rules accept', () => {
    // Values at and around every edge of the rules; each field is usually valid, so that both
    // verdicts are common and every rule is the only one broken in some cases.
    const mostly = <T, U>(usual: fc.Arbitrary<T>, edge: fc.Arbitrary<U>) =>
      fc.oneof({ arbitrary: usual, weight: 5 }, { arbitrary: edge, weight: 1 });
    const text = (max: number) =>
      fc.oneof(
        fc.string({ maxLength: 8 }),
        fc.constantFrom('', '\uFE0F', '\uD83D\uDE00', 'é'),
        fc.constantFrom(max - 1, max, max + 1).map((n) => 'x'.repeat(n)),
        fc.constantFrom(max - 1, max).map((n) => '\uD83D\uDE00'.repeat(n)),
        fc.constant(null),
        fc.integer(),
      );
    const instant = mostly(
      fc
        .date({ min: new Date(-62_198_755_200_000), max: new Date(253_402_300_799_999) })
        .filter((date) => !Number.isNaN(date.getTime()))
        .map((date) => date.toISOString()),
      fc.constantFrom(
        '2026-02-30T00:00:00.000Z',
        '2026-13-01T00:00:00.000Z',
        '2026-11-23T24:00:00.000Z',
        '2026-11-23T09:00:00Z',
        '2026-11-23 09:00:00.000Z',
        '+012026-11-23T09:00:00.000Z',
        'yesterday',
      ),
    );
    const message = fc.record({
      vendor: mostly(fc.constant('twilio'), text(64)),
      messageId: mostly(fc.constant('SM0123456789'), text(200)),
      kind: fc.constantFrom('sms', 'mms', 'voice', 'voicemail', 'status', 'fax', ''),
      from: mostly(
        fc.constantFrom('+14155552671', '+4915112345678', '4155552671', '+0123456', 'ACME'),
        text(64),
      ),
      to: mostly(fc.constant('+14155550100'), text(64)),
      text: mostly(fc.constant('hello'), text(65_536)),
      media: fc.oneof(
        fc.constant([]),
        fc.constant([{ url: 'https://media.example.com/1' }]),
        fc.constant([{ url: 'ftp://x' }]),
        fc.constant('none'),
      ),
      receivedAt: instant,
      raw: fc.constant({}),
    }) as unknown as fc.Arbitrary<InboundMessage>;

    let accepted = 0;
    fc.assert(
      fc.property(message, (candidate) => {
        let refused = false;
        try {
          assertValidMessages(candidate.vendor, [candidate]);
        } catch (error) {
          if (!(error instanceof UnprocessablePayloadError)) throw error;
          refused = true;
        }
        if (!refused) accepted += 1;
        return refused === (violationOf(candidate) !== undefined);
      }),
      { numRuns: fuzzRuns(2_000) },
    );
    expect(accepted).toBeGreaterThan(100);
  });
});
