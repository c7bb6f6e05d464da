import {
  GatewayError,
  MalformedPayloadError,
  UnprocessablePayloadError,
} from '../../common/problem/gateway-error';
import { assertValidMessages } from '../../messages/inbound-message.validation';
import {
  telnyxMessageFinalized,
  telnyxMessageReceived,
  TELNYX_MESSAGE_ID,
} from './fixtures/telnyx-payloads';
import { parseTelnyxPayload } from './telnyx-payload';
import { thrownBy } from '../kit/fixtures/thrown-by';

const receivedAt = new Date('2025-05-01T12:00:03.000Z');
const json = (body: unknown) => ({ rawBody: Buffer.from(JSON.stringify(body)), receivedAt });

function failure(body: unknown): GatewayError {
  return thrownBy(() => parseTelnyxPayload(json(body)), GatewayError);
}

describe('parseTelnyxPayload', () => {
  it('turns message.received into one sms keyed by the message id (not the event id)', () => {
    const body = telnyxMessageReceived(TELNYX_MESSAGE_ID);
    const messages = parseTelnyxPayload(json(body));
    expect(messages).toEqual([
      {
        vendor: 'telnyx',
        messageId: TELNYX_MESSAGE_ID,
        kind: 'sms',
        from: '+14155550100',
        to: '+12015550123',
        text: 'My order #1042 never arrived',
        media: [],
        receivedAt: '2025-05-01T12:00:00.000Z',
        raw: body,
      },
    ]);
    expect(() => assertValidMessages('telnyx', messages)).not.toThrow();
  });

  it('reads MMS media with content types', () => {
    const media = [
      { url: 'https://media.telnyx.com/a.jpg', content_type: 'image/jpeg', sha256: 'x', size: 1 },
      { url: 'https://media.telnyx.com/b.pdf' },
    ];
    const [message] = parseTelnyxPayload(json(telnyxMessageReceived('m1', 'photo', media)));
    expect(message.kind).toBe('mms');
    expect(message.media).toEqual([
      { url: 'https://media.telnyx.com/a.jpg', contentType: 'image/jpeg' },
      { url: 'https://media.telnyx.com/b.pdf' },
    ]);
  });

  it('stores message.finalized as a status and ignores other event types', () => {
    const [status] = parseTelnyxPayload(json(telnyxMessageFinalized('m2')));
    expect(status).toMatchObject({
      kind: 'status',
      messageId: 'm2:message.finalized',
      from: '+12015550123',
      to: '+14155550100',
    });
    const other = telnyxMessageReceived('m3') as { data: Record<string, unknown> };
    other.data.event_type = 'call.initiated';
    expect(parseTelnyxPayload(json(other))).toEqual([]);
  });

  it('names the field of a malformed or unusable event', () => {
    const noId = telnyxMessageReceived('x') as { data: { payload: Record<string, unknown> } };
    delete noId.data.payload.id;
    expect(failure(noId)).toBeInstanceOf(MalformedPayloadError);
    expect(failure(noId).message).toBe('data.payload.id missing');
    const badMedia = telnyxMessageReceived('m4', 'x', [{ url: 'file:///etc/passwd' }]);
    const error = failure(badMedia);
    expect(error).toBeInstanceOf(UnprocessablePayloadError);
    expect(error.message).toBe('data.payload.media[0].url is not an http(s) URL');
    const badFrom = telnyxMessageReceived('m5') as {
      data: { payload: { from: Record<string, unknown> } };
    };
    badFrom.data.payload.from.phone_number = 'ACME';
    expect(failure(badFrom).message).toBe(
      'data.payload.from.phone_number is not a valid phone number',
    );
    expect(failure({ meta: {} }).message).toBe('data must be an object');
  });
});
