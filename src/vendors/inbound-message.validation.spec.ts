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
});
