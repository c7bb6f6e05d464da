import {
  GatewayError,
  MalformedPayloadError,
  UnprocessablePayloadError,
} from '../../common/problem/gateway-error';
import { assertValidMessages } from '../../messages/inbound-message.validation';
import {
  omit,
  plivoInboundMms,
  plivoInboundSms,
  plivoStatusCallback,
  PLIVO_UUID,
} from './fixtures/plivo-payloads';
import { parsePlivoPayload } from './plivo-payload';
import { thrownBy } from '../kit/fixtures/thrown-by';

const receivedAt = new Date('2025-05-01T12:00:03.000Z');
const form = (params: Readonly<Record<string, string>>, extra = '') => ({
  rawBody: Buffer.from(new URLSearchParams(params).toString() + extra),
  receivedAt,
});

function failure(request: ReturnType<typeof form>): GatewayError {
  return thrownBy(() => parsePlivoPayload(request), GatewayError);
}

describe('parsePlivoPayload', () => {
  it('turns an inbound SMS into one sms message with E.164 numbers', () => {
    const params = plivoInboundSms(PLIVO_UUID);
    const messages = parsePlivoPayload(form(params));
    expect(messages).toEqual([
      {
        vendor: 'plivo',
        messageId: PLIVO_UUID,
        kind: 'sms',
        from: '+14155550100',
        to: '+12015550123',
        text: 'My order #1042 never arrived',
        media: [],
        receivedAt: receivedAt.toISOString(),
        raw: params,
      },
    ]);
    expect(() => assertValidMessages('plivo', messages)).not.toThrow();
  });

  it('turns an MMS into an mms with its media in index order', () => {
    const [message] = parsePlivoPayload(form(plivoInboundMms(PLIVO_UUID)));
    expect(message.kind).toBe('mms');
    expect(message.media).toEqual([
      { url: expect.stringMatching(/Media\/0$/), contentType: 'image/jpeg' },
      { url: expect.stringMatching(/Media\/1$/) },
    ]);
  });

  it('turns a status callback into a status per message and status', () => {
    const [status] = parsePlivoPayload(form(plivoStatusCallback(PLIVO_UUID, 'undelivered')));
    expect(status).toMatchObject({
      kind: 'status',
      messageId: `${PLIVO_UUID}:undelivered`,
      from: '12015550123',
      to: '+14155550100',
    });
    expect(() => assertValidMessages('plivo', [status])).not.toThrow();
  });

  it('refuses a missing MessageUUID with 400 and a malformed one with 422', () => {
    const missing = failure(form(omit(plivoInboundSms(PLIVO_UUID), 'MessageUUID')));
    expect(missing).toBeInstanceOf(MalformedPayloadError);
    expect(missing.message).toBe('MessageUUID missing');
    const bad = failure(form(plivoInboundSms('1234')));
    expect(bad).toBeInstanceOf(UnprocessablePayloadError);
  });

  it('refuses a sender that is no phone number, a bad media URL and a repeated parameter', () => {
    const sender = failure(form({ ...plivoInboundSms(PLIVO_UUID), From: 'ACME' }));
    expect(sender.message).toBe('From is not a valid phone number');
    const media = failure(form({ ...plivoInboundMms(PLIVO_UUID), Media1: 'ftp://x' }));
    expect(media.extensions).toEqual({ field: 'Media1' });
    const repeated = failure(form(plivoInboundSms(PLIVO_UUID), '&From=14155550101'));
    expect(repeated.message).toBe('From appears more than once');
    expect(failure({ rawBody: Buffer.from('Text=100%'), receivedAt })).toBeInstanceOf(
      MalformedPayloadError,
    );
  });
});
