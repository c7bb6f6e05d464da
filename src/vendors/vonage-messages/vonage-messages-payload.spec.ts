import {
  GatewayError,
  MalformedPayloadError,
  UnprocessablePayloadError,
} from '../../common/problem/gateway-error';
import { assertValidMessages } from '../../messages/inbound-message.validation';
import {
  vonageInboundLocation,
  vonageInboundText,
  vonageInboundWhatsAppImage,
  vonageMessageStatus,
  VONAGE_MESSAGES_UUID,
} from './fixtures/vonage-messages-payloads';
import { parseVonageMessagesPayload } from './vonage-messages-payload';
import { thrownBy } from '../kit/fixtures/thrown-by';

const receivedAt = new Date('2025-05-01T12:00:03.000Z');
const json = (body: unknown) => ({
  rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  receivedAt,
});

function failure(body: unknown): GatewayError {
  return thrownBy(() => parseVonageMessagesPayload(json(body)), GatewayError);
}

describe('parseVonageMessagesPayload', () => {
  it('turns an inbound SMS into one sms message with E.164 numbers', () => {
    const payload = vonageInboundText(VONAGE_MESSAGES_UUID);
    const messages = parseVonageMessagesPayload(json(payload));
    expect(messages).toEqual([
      {
        vendor: 'vonage-messages',
        messageId: VONAGE_MESSAGES_UUID,
        kind: 'sms',
        from: '+14155550100',
        to: '+12015550123',
        text: 'My order #1042 never arrived',
        media: [],
        receivedAt: '2025-05-01T12:00:00.000Z',
        raw: payload,
      },
    ]);
    expect(() => assertValidMessages('vonage-messages', messages)).not.toThrow();
  });

  it('turns a WhatsApp image into an mms with its caption as text', () => {
    const [message] = parseVonageMessagesPayload(
      json(vonageInboundWhatsAppImage(VONAGE_MESSAGES_UUID)),
    );
    expect(message).toMatchObject({
      kind: 'mms',
      text: 'The damaged parcel',
      media: [{ url: 'https://api-us.nexmo.com/v3/media/1b456509-974c-458b-aafa-45fc48a4d976' }],
    });
    expect(() => assertValidMessages('vonage-messages', [message])).not.toThrow();
  });

  it.each(['audio', 'video', 'file'])('reads a %s message as media', (type) => {
    const payload = {
      ...vonageInboundText(VONAGE_MESSAGES_UUID),
      text: undefined,
      message_type: type,
      [type]: { url: `https://example.com/${type}` },
    };
    const [message] = parseVonageMessagesPayload(json(payload));
    expect(message).toMatchObject({
      kind: 'mms',
      text: '',
      media: [{ url: `https://example.com/${type}` }],
    });
  });

  it('describes a location, and says where other content is', () => {
    const [location] = parseVonageMessagesPayload(
      json(vonageInboundLocation(VONAGE_MESSAGES_UUID)),
    );
    expect(location.text).toBe('Location: 37.7749, -122.4194 (Depot)');
    const [reply] = parseVonageMessagesPayload(
      json({
        ...vonageInboundText(VONAGE_MESSAGES_UUID),
        message_type: 'reply',
        reply: { id: 'x' },
      }),
    );
    expect(reply.text).toBe('[reply message: its content is kept in the payload]');
  });

  it('turns a status callback into a status per message and status', () => {
    const [delivered] = parseVonageMessagesPayload(json(vonageMessageStatus(VONAGE_MESSAGES_UUID)));
    expect(delivered).toMatchObject({
      kind: 'status',
      messageId: `${VONAGE_MESSAGES_UUID}:delivered`,
      from: '12015550123',
      to: '+14155550100',
      receivedAt: '2025-05-01T12:01:00.000Z',
    });
    const [read] = parseVonageMessagesPayload(
      json(vonageMessageStatus(VONAGE_MESSAGES_UUID, 'read')),
    );
    expect(read.messageId).toBe(`${VONAGE_MESSAGES_UUID}:read`);
    expect(() => assertValidMessages('vonage-messages', [delivered, read])).not.toThrow();
  });

  it('refuses a missing message_uuid with 400 and a malformed one with 422', () => {
    const missing = failure({
      ...vonageInboundText(VONAGE_MESSAGES_UUID),
      message_uuid: undefined,
    });
    expect(missing).toBeInstanceOf(MalformedPayloadError);
    expect(missing.message).toBe('message_uuid missing');
    const bad = failure(vonageInboundText('not-a-uuid'));
    expect(bad).toBeInstanceOf(UnprocessablePayloadError);
    expect(bad.extensions).toEqual({ field: 'message_uuid' });
  });

  it('refuses a Messenger sender id with 422 naming from', () => {
    const error = failure({
      ...vonageInboundText(VONAGE_MESSAGES_UUID),
      channel: 'messenger',
      from: '1234',
    });
    expect(error).toBeInstanceOf(UnprocessablePayloadError);
    expect(error.message).toBe('from is not a valid phone number');
  });

  it('refuses media without an http(s) URL and a location without coordinates', () => {
    const image = vonageInboundWhatsAppImage(VONAGE_MESSAGES_UUID);
    const badUrl = failure({ ...image, image: { url: 'javascript:alert(1)' } });
    expect(badUrl.extensions).toEqual({ field: 'image.url' });
    expect(failure({ ...image, image: {} })).toBeInstanceOf(MalformedPayloadError);
    const location = vonageInboundLocation(VONAGE_MESSAGES_UUID);
    expect(failure({ ...location, location: { lat: '1' } }).extensions).toEqual({
      field: 'location',
    });
  });

  it('refuses a body that is not a JSON object, and a text that is not a string', () => {
    expect(failure('[]').message).toBe('JSON body must be an object');
    expect(failure('{').message).toBe('body is not valid JSON');
    expect(failure({ ...vonageInboundText(VONAGE_MESSAGES_UUID), text: 5 }).message).toBe(
      'text must be a string',
    );
    expect(
      failure({ ...vonageInboundText(VONAGE_MESSAGES_UUID), message_type: undefined }).message,
    ).toBe('message_type missing');
  });
});
