import { UnprocessablePayloadError } from '../common/problem/gateway-error';
import type { InboundMessage } from './inbound-message';
import { assertValidMessages } from './inbound-message.validation';

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

  it('holds every field to its bound, counting characters as class-validator does', () => {
    const field = (message: Partial<InboundMessage>, vendor = 'twilio') => {
      try {
        assertValidMessages(vendor, [{ ...valid, ...message }]);
        return undefined;
      } catch (error) {
        if (error instanceof UnprocessablePayloadError) return error.extensions?.field;
        throw error;
      }
    };
    expect(field({ messageId: 'x'.repeat(200) })).toBeUndefined();
    expect(field({ messageId: 'x'.repeat(201) })).toBe('messageId');
    // A surrogate pair is one character to class-validator, not two UTF-16 units.
    expect(field({ messageId: '\uD83D\uDE00'.repeat(200) })).toBeUndefined();
    expect(field({ vendor: 'v'.repeat(64) }, 'v'.repeat(64))).toBeUndefined();
    expect(field({ vendor: 'v'.repeat(65) }, 'v'.repeat(65))).toBe('vendor');
    expect(field({ to: 'x'.repeat(65) })).toBe('to');
    expect(field({ text: 'x'.repeat(65_536) })).toBeUndefined();
    expect(field({ text: 'x'.repeat(65_537) })).toBe('text');
    expect(field({ text: 5 as unknown as string })).toBe('text');
    expect(field({ kind: 'status', from: 'A'.repeat(64) })).toBeUndefined();
    expect(
      field({ media: [{ url: 'https://m.example.com/1', contentType: 'x'.repeat(256) }] }),
    ).toBe('media.0.contentType');
  });

  it('takes any strict ISO 8601 instant, but no impossible date', () => {
    const refused = (receivedAt: string) => {
      try {
        assertValidMessages('twilio', [{ ...valid, receivedAt }]);
        return false;
      } catch (error) {
        if (error instanceof UnprocessablePayloadError) return true;
        throw error;
      }
    };
    expect(refused('2026-11-23T09:00:00Z')).toBe(false);
    expect(refused('2026-11-23T09:00:00+02:00')).toBe(false);
    expect(refused('2026-02-30T00:00:00.000Z')).toBe(true);
    expect(refused('2026-13-01T00:00:00.000Z')).toBe(true);
  });

  it('wants media to be a list of objects, and names the item that is not one', () => {
    const media = (value: unknown) =>
      refusal([{ ...valid, media: value as InboundMessage['media'] }]);
    expect(media('none').extensions).toEqual({ index: 0, field: 'media' });
    expect(media([[{ url: 'https://media.example.com/1' }]]).extensions).toEqual({
      index: 0,
      field: 'media',
    });
    expect(media([{ url: 'https://media.example.com/1' }, null]).extensions).toEqual({
      index: 0,
      field: 'media.1',
    });
  });

  it('leaves the vendor payload kept in raw unchecked', () => {
    expect(() =>
      assertValidMessages('twilio', [{ ...valid, raw: { media: [null], text: 5 } }]),
    ).not.toThrow();
  });
});
