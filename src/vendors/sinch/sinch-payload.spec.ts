import {
  GatewayError,
  MalformedPayloadError,
  UnprocessablePayloadError,
} from '../../common/problem/gateway-error';
import { assertValidMessages } from '../../messages/inbound-message.validation';
import {
  sinchConversationMessage,
  sinchMoMedia,
  sinchMoText,
  sinchRecipientDeliveryReport,
  SINCH_ID,
} from './fixtures/sinch-payloads';
import { parseSinchPayload } from './sinch-payload';
import { thrownBy } from '../kit/fixtures/thrown-by';

const receivedAt = new Date('2025-05-01T12:00:03.000Z');
const json = (body: unknown) => ({ rawBody: Buffer.from(JSON.stringify(body)), receivedAt });

function failure(body: unknown): GatewayError {
  return thrownBy(() => parseSinchPayload(json(body)), GatewayError);
}

describe('parseSinchPayload', () => {
  it('turns an SMS API mo_text into one sms message', () => {
    const body = sinchMoText(SINCH_ID);
    const messages = parseSinchPayload(json(body));
    expect(messages).toEqual([
      {
        vendor: 'sinch',
        messageId: SINCH_ID,
        kind: 'sms',
        from: '+14155550100',
        to: '+12015550123',
        text: 'My order #1042 never arrived',
        media: [],
        receivedAt: '2025-05-01T12:00:00.000Z',
        raw: body,
      },
    ]);
    expect(() => assertValidMessages('sinch', messages)).not.toThrow();
  });

  it('turns mo_media into an mms with subject, message and media', () => {
    const [message] = parseSinchPayload(json(sinchMoMedia(SINCH_ID)));
    expect(message).toMatchObject({
      kind: 'mms',
      text: 'Parcel\nPhoto of the damaged parcel',
      media: [{ url: 'https://media.sinch.com/mms/abc.jpg', contentType: 'image/jpeg' }],
    });
  });

  it('stores a recipient delivery report as a status and ignores batch summaries', () => {
    const [status] = parseSinchPayload(json(sinchRecipientDeliveryReport('01BATCH')));
    expect(status).toMatchObject({
      kind: 'status',
      messageId: '01BATCH:14155550100:Delivered',
      to: '+14155550100',
    });
    expect(() => assertValidMessages('sinch', [status])).not.toThrow();
    expect(parseSinchPayload(json({ type: 'delivery_report_sms', batch_id: '01BATCH' }))).toEqual(
      [],
    );
  });

  it('turns a Conversation API message from a contact into a message', () => {
    const [message] = parseSinchPayload(
      json(sinchConversationMessage('01EQBC1A3BEK731GY4YXEN0C2R')),
    );
    expect(message).toMatchObject({
      messageId: '01EQBC1A3BEK731GY4YXEN0C2R',
      kind: 'sms',
      from: '+14155550100',
      to: '01EB37HMH1M6SV18BSNS3G135H',
      text: 'Hello from WhatsApp',
    });
    const outbound = sinchConversationMessage('01X') as { message: Record<string, unknown> };
    outbound.message.direction = 'TO_CONTACT';
    expect(parseSinchPayload(json(outbound))).toEqual([]);
  });

  it('names the field of a malformed or unusable callback', () => {
    const missing = failure({ ...sinchMoText(SINCH_ID), id: undefined });
    expect(missing).toBeInstanceOf(MalformedPayloadError);
    expect(missing.message).toBe('id missing');
    const sender = failure({ ...sinchMoText(SINCH_ID), from: 'ACME' });
    expect(sender).toBeInstanceOf(UnprocessablePayloadError);
    expect(sender.message).toBe('from is not a valid phone number');
    const media = sinchMoMedia(SINCH_ID) as { body: { media: { url: string }[] } };
    media.body.media[0].url = 'data:x';
    expect(failure(media).message).toBe('body.media[0].url is not an http(s) URL');
    expect(failure({ ...sinchMoText(SINCH_ID), type: 7 }).message).toBe('type must be a string');
  });
});
